package comment

import (
	"fmt"
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// MaxGraphNodes bounds the Mermaid graph; larger sets get a note instead.
const MaxGraphNodes = 150

func mermaidLabel(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ").Replace(s)
}

func graphBlock(units []Unit, edges map[string][]string, maxBlock int) block {
	stub := "### Graph of affected units\n\n_Too many units for a graph here: run `olechka graph --format mermaid`._\n\n"
	if len(units) > MaxGraphNodes {
		return block{text: stub, stub: stub}
	}
	ids := map[string]string{}
	for i, u := range units {
		ids[u.Path] = fmt.Sprintf("u%d", i)
	}
	var b strings.Builder
	b.WriteString("### Graph of affected units\n\nArrows point from a unit to the units that depend on it (apply order).\n\n```mermaid\ngraph LR\n")
	classes := map[string][]string{}
	for _, u := range units {
		id := ids[u.Path]
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", id, mermaidLabel(u.Path))
		switch {
		case u.Decision != nil && u.Decision.Gate == review.Blocked, u.Plan != nil && (u.Plan.Error != "" || u.Plan.Skipped != ""):
			classes["bad"] = append(classes["bad"], id)
		case u.Action == artifact.ActionDestroy || u.Plan.Destructive():
			classes["destructive"] = append(classes["destructive"], id)
		case u.Decision != nil && u.Decision.Gate == review.Manual:
			classes["manual"] = append(classes["manual"], id)
		}
	}
	for _, u := range units {
		deps := append([]string(nil), edges[u.Path]...)
		sort.Strings(deps)
		for _, d := range deps {
			if from, ok := ids[d]; ok {
				fmt.Fprintf(&b, "  %s --> %s\n", from, ids[u.Path])
			}
		}
	}
	styles := []struct{ name, style string }{
		{"bad", "fill:#ffebee,stroke:#c62828,color:#000"},
		{"destructive", "fill:#fff3e0,stroke:#e65100,color:#000"},
		{"manual", "fill:#e3f2fd,stroke:#1565c0,color:#000"},
	}
	for _, s := range styles {
		if len(classes[s.name]) > 0 {
			fmt.Fprintf(&b, "  classDef %s %s\n  class %s %s\n", s.name, s.style, strings.Join(classes[s.name], ","), s.name)
		}
	}
	b.WriteString("```\n\n")
	if b.Len() > maxBlock {
		return block{text: stub, stub: stub}
	}
	return block{text: b.String(), stub: stub}
}
