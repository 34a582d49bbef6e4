package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// Infracost's JSON output (infracost breakdown --format json), the parts olechka reads.
type infracostOutput struct {
	Version              string             `json:"version"`
	Currency             string             `json:"currency"`
	Projects             []infracostProject `json:"projects"`
	TotalMonthlyCost     *string            `json:"totalMonthlyCost"`
	PastTotalMonthlyCost *string            `json:"pastTotalMonthlyCost"`
}

type infracostProject struct {
	Name     string `json:"name"`
	Metadata struct {
		Path                 string `json:"path"`
		TerragruntWorkingDir string `json:"terragruntWorkingDir"`
	} `json:"metadata"`
	Breakdown     *infracostBreakdown `json:"breakdown"`
	PastBreakdown *infracostBreakdown `json:"pastBreakdown"`
}

type infracostBreakdown struct {
	Resources        []infracostResource `json:"resources"`
	TotalMonthlyCost *string             `json:"totalMonthlyCost"`
}

type infracostResource struct {
	Name           string  `json:"name"`
	MonthlyCost    *string `json:"monthlyCost"`
	CostComponents []struct {
		Name            string  `json:"name"`
		Unit            string  `json:"unit"`
		MonthlyQuantity *string `json:"monthlyQuantity"`
		Price           string  `json:"price"`
		MonthlyCost     *string `json:"monthlyCost"`
	} `json:"costComponents"`
	SubResources []infracostResource `json:"subresources"`
}

// ReadInfracost reads an Infracost JSON report into unit estimates, one per project.
// A project's path is made relative to root (the tree root) when it lies under it. The
// second result holds the base estimates (pastBreakdown), and hasBase says whether the
// report carried any (infracost diff).
func ReadInfracost(r io.Reader, root string) (head, base []UnitCost, hasBase bool, err error) {
	var out infracostOutput
	dec := json.NewDecoder(r)
	if err := dec.Decode(&out); err != nil {
		return nil, nil, false, fmt.Errorf("infracost report: %w", err)
	}
	if out.Projects == nil {
		return nil, nil, false, fmt.Errorf("infracost report: no projects (is this `infracost breakdown --format json` output?)")
	}
	for _, p := range out.Projects {
		path := p.Metadata.Path
		if path == "" {
			path = p.Metadata.TerragruntWorkingDir
		}
		if path == "" {
			path = p.Name
		}
		path = relTo(root, path)
		if p.Breakdown != nil {
			head = append(head, fromBreakdown(path, p.Breakdown))
		}
		if p.PastBreakdown != nil {
			hasBase = true
			base = append(base, fromBreakdown(path, p.PastBreakdown))
		}
	}
	return head, base, hasBase, nil
}

func fromBreakdown(path string, b *infracostBreakdown) UnitCost {
	uc := UnitCost{Path: path, Source: "infracost"}
	var walk func(prefix string, rs []infracostResource)
	walk = func(prefix string, rs []infracostResource) {
		for _, r := range rs {
			name := r.Name
			if prefix != "" {
				name = prefix + "." + r.Name
			}
			for _, c := range r.CostComponents {
				uc.Items = append(uc.Items, Item{Name: c.Name, Resource: name, Quantity: num(c.MonthlyQuantity),
					UnitPrice: num(&c.Price), Monthly: round2(num(c.MonthlyCost)), Note: c.Unit})
			}
			walk(name, r.SubResources)
		}
	}
	walk("", b.Resources)
	if b.TotalMonthlyCost != nil {
		uc.Monthly = round2(num(b.TotalMonthlyCost))
	} else {
		var t float64
		for _, it := range uc.Items {
			t += it.Monthly
		}
		uc.Monthly = round2(t)
	}
	return uc
}

func num(s *string) float64 {
	if s == nil {
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(*s), 64)
	if err != nil {
		return 0
	}
	return f
}

func relTo(root, p string) string {
	if root != "" && filepath.IsAbs(p) {
		if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	p = filepath.ToSlash(filepath.Clean(p))
	return strings.TrimPrefix(p, "./")
}
