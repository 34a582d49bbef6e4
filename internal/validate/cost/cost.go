// Package cost estimates what units cost a month: from their inputs (through a
// data-driven mapping of modules to priced items), from plan JSON when a plan exists,
// or from an Infracost report. Prices come from a dated catalog of AWS public on-demand
// list prices per region.
package cost

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed prices/*.json mapping.hcl
var embedded embed.FS

// Catalog holds prices per region: key -> USD per unit of that key.
type Catalog struct {
	AsOf          string                        `json:"as_of"`
	Currency      string                        `json:"currency"`
	Source        string                        `json:"source"`
	HoursPerMonth float64                       `json:"hours_per_month"`
	Units         map[string]string             `json:"units"`
	Regions       map[string]map[string]float64 `json:"regions"`
	// Where the prices came from: OriginPriceList (olechka prices update) or, when empty,
	// OriginHandRecorded. A price-list catalog records its offer files and the keys it
	// still carries from the hand-recorded catalog.
	Origin      string        `json:"origin,omitempty"`
	GeneratedAt string        `json:"generated_at,omitempty"`
	Offers      []OfferSource `json:"offers,omitempty"`
	Estimated   []string      `json:"estimated_keys,omitempty"`
	File        string        `json:"-"`
}

// PriceOrigin is where the catalog's prices came from: OriginPriceList, or
// OriginHandRecorded for a catalog typed by hand (no origin recorded).
func (c *Catalog) PriceOrigin() string {
	if c.Origin == OriginPriceList && len(c.Offers) > 0 {
		return OriginPriceList
	}
	return OriginHandRecorded
}

// Price returns the price of key in region.
func (c *Catalog) Price(region, key string) (float64, bool) {
	p, ok := c.Regions[region][key]
	return p, ok
}

// DefaultCatalog returns the newest embedded catalog (prices/*.json, newest by name).
func DefaultCatalog() (*Catalog, error) {
	names, err := fs.Glob(embedded, "prices/*.json")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no embedded price catalog")
	}
	sort.Strings(names)
	name := names[len(names)-1]
	b, err := embedded.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return parseCatalog(b, path.Base(name))
}

// LoadCatalog reads a catalog file.
func LoadCatalog(file string) (*Catalog, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("price catalog: %w", err)
	}
	return parseCatalog(b, file)
}

func parseCatalog(b []byte, name string) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("price catalog %s: %w", name, err)
	}
	if c.AsOf == "" || len(c.Regions) == 0 {
		return nil, fmt.Errorf("price catalog %s: needs as_of and regions", name)
	}
	if c.HoursPerMonth == 0 {
		c.HoursPerMonth = 730
	}
	if c.Currency == "" {
		c.Currency = "USD"
	}
	c.File = name
	return &c, nil
}

// Item is one priced line of a unit's estimate.
type Item struct {
	Name      string  `json:"name"`
	Resource  string  `json:"resource,omitempty"` // plan resource address, for plan estimates
	PriceKey  string  `json:"price_key,omitempty"`
	Quantity  float64 `json:"quantity"`
	UnitPrice float64 `json:"unit_price"`
	Monthly   float64 `json:"monthly_usd"`
	Note      string  `json:"note,omitempty"`
}

// UnitCost is one unit's monthly estimate.
type UnitCost struct {
	Path    string  `json:"path"`
	Env     string  `json:"env,omitempty"`
	Region  string  `json:"region,omitempty"`
	Module  string  `json:"module,omitempty"`
	Source  string  `json:"source"` // inputs, plan, infracost, none
	Monthly float64 `json:"monthly_usd"`
	Items   []Item  `json:"items,omitempty"`
	// Unpriced lists what could not be priced and why.
	Unpriced []string `json:"unpriced,omitempty"`
	// Base is the estimate at the diff base, when one was given.
	Base    *float64 `json:"base_monthly_usd,omitempty"`
	Removed bool     `json:"removed,omitempty"` // the unit exists at the base only
}

// Delta is head minus base (the whole estimate for a new unit).
func (u UnitCost) Delta() float64 {
	if u.Base == nil {
		return u.Monthly
	}
	if u.Removed {
		return -*u.Base
	}
	return u.Monthly - *u.Base
}

// EnvCost sums the units of one environment.
type EnvCost struct {
	Env     string   `json:"env"`
	Units   int      `json:"units"`
	Monthly float64  `json:"monthly_usd"`
	Base    *float64 `json:"base_monthly_usd,omitempty"`
	Delta   *float64 `json:"delta_usd,omitempty"`
	Budget  *float64 `json:"budget_usd,omitempty"`
}

// Report is the cost check's result.
type Report struct {
	Currency string `json:"currency"`
	AsOf     string `json:"prices_as_of,omitempty"`
	// PriceOrigin: OriginPriceList or OriginHandRecorded (estimates typed from AWS's pages).
	PriceOrigin string `json:"price_origin,omitempty"`
	// EstimatedPrices counts a price-list catalog's keys still carried from the
	// hand-recorded catalog (the offers did not price them).
	EstimatedPrices int        `json:"estimated_prices,omitempty"`
	Source          string     `json:"source"` // estimate, infracost
	Units           []UnitCost `json:"units"`
	Envs            []EnvCost  `json:"envs"`
	Monthly         float64    `json:"monthly_usd"`
	Base            *float64   `json:"base_monthly_usd,omitempty"`
}

// Summarize builds a report from head estimates and, when base is not nil, base
// estimates (matched by unit path).
func Summarize(head []UnitCost, base []UnitCost, hasBase bool) *Report {
	r := &Report{Currency: "USD", Source: "estimate"}
	units := append([]UnitCost(nil), head...)
	if hasBase {
		byPath := map[string]UnitCost{}
		for _, b := range base {
			byPath[b.Path] = b
		}
		seen := map[string]bool{}
		for i := range units {
			seen[units[i].Path] = true
			if b, ok := byPath[units[i].Path]; ok {
				m := b.Monthly
				units[i].Base = &m
			} else {
				zero := 0.0
				units[i].Base = &zero
			}
		}
		for _, b := range base {
			if !seen[b.Path] {
				m := b.Monthly
				units = append(units, UnitCost{Path: b.Path, Env: b.Env, Region: b.Region, Module: b.Module,
					Source: b.Source, Base: &m, Removed: true})
			}
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Path < units[j].Path })
	r.Units = units
	envs := map[string]*EnvCost{}
	var total, baseTotal float64
	for _, u := range units {
		e := envs[u.Env]
		if e == nil {
			e = &EnvCost{Env: u.Env}
			envs[u.Env] = e
		}
		if !u.Removed {
			e.Units++
			e.Monthly += u.Monthly
			total += u.Monthly
		}
		if hasBase && u.Base != nil {
			if e.Base == nil {
				e.Base = new(float64)
			}
			*e.Base += *u.Base
			baseTotal += *u.Base
		}
	}
	for _, e := range envs {
		e.Monthly = round2(e.Monthly)
		if e.Base != nil {
			*e.Base = round2(*e.Base)
			d := round2(e.Monthly - *e.Base)
			e.Delta = &d
		} else if hasBase {
			zero := 0.0
			e.Base = &zero
			d := e.Monthly
			e.Delta = &d
		}
		r.Envs = append(r.Envs, *e)
	}
	sort.Slice(r.Envs, func(i, j int) bool { return r.Envs[i].Env < r.Envs[j].Env })
	r.Monthly = round2(total)
	if hasBase {
		b := round2(baseTotal)
		r.Base = &b
	}
	return r
}

// Env returns the summary of one environment, or nil.
func (r *Report) Env(name string) *EnvCost {
	for i := range r.Envs {
		if r.Envs[i].Env == name {
			return &r.Envs[i]
		}
	}
	return nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// ModuleName is the name a unit's module goes by: the last element of its source, without
// a ref or a //subdir prefix (git::https://x/modules.git//aurora?ref=v1 -> aurora).
func ModuleName(source string) string {
	s := source
	if i := strings.Index(s, "?"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, "/")
	if i := strings.LastIndex(s, "//"); i >= 0 && !strings.HasSuffix(s[:i], ":") {
		s = s[i+2:]
	}
	s = strings.TrimRight(s, "/")
	if i := strings.LastIndexAny(s, "/:"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSuffix(s, ".git")
}
