package cost

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Where a catalog's prices came from (Catalog.Origin).
const (
	OriginHandRecorded = "hand-recorded"  // typed from the AWS pricing pages: an estimate
	OriginPriceList    = "aws-price-list" // built from AWS Price List bulk offer files
)

// Offer is the part of an AWS Price List bulk offer file (the service price list file,
// JSON: formatVersion, offerCode, version, publicationDate, products by SKU, terms by
// type then SKU then offer term) that a catalog is built from.
type Offer struct {
	FormatVersion   string                  `json:"formatVersion"`
	OfferCode       string                  `json:"offerCode"`
	Version         string                  `json:"version"`
	PublicationDate string                  `json:"publicationDate"`
	Products        map[string]OfferProduct `json:"products"`
	Terms           struct {
		OnDemand map[string]map[string]OfferTerm `json:"OnDemand"`
	} `json:"terms"`
}

// OfferProduct is one SKU: its family and attributes (regionCode, usagetype, ...).
type OfferProduct struct {
	SKU           string            `json:"sku"`
	ProductFamily string            `json:"productFamily"`
	Attributes    map[string]string `json:"attributes"`
}

// OfferTerm is one offer term of a SKU, with its price dimensions (tiers).
type OfferTerm struct {
	OfferTermCode   string                    `json:"offerTermCode"`
	SKU             string                    `json:"sku"`
	EffectiveDate   string                    `json:"effectiveDate"`
	PriceDimensions map[string]OfferDimension `json:"priceDimensions"`
}

// OfferDimension is one rate: a price per unit over a usage range.
type OfferDimension struct {
	RateCode     string            `json:"rateCode"`
	Description  string            `json:"description"`
	BeginRange   string            `json:"beginRange"`
	EndRange     string            `json:"endRange"`
	Unit         string            `json:"unit"`
	PricePerUnit map[string]string `json:"pricePerUnit"`
}

// OfferSource records one offer file a catalog was built from.
type OfferSource struct {
	OfferCode       string `json:"offer_code"`
	Version         string `json:"version"`
	PublicationDate string `json:"publication_date"`
	File            string `json:"file"`
	SHA256          string `json:"sha256"`
}

// selector says which offer products price one catalog key. A key ending in "." takes
// its suffix from the product attribute named by suffixAttr (an instance class...).
type selector struct {
	key        string
	offerCode  string
	family     string            // productFamily, "" for any
	usageEnd   string            // the usagetype attribute ends with this ("" for any)
	attrs      map[string]string // further attributes that must match exactly
	suffixAttr string
}

// selectors map the catalog's keys to offer products. Only on-demand, first-tier prices
// are taken. What no selector covers keeps its hand-recorded price (Catalog.Estimated).
var selectors = []selector{
	{key: "nat_gateway_hour", offerCode: "AmazonEC2", family: "NAT Gateway", usageEnd: "NatGateway-Hours"},
	{key: "nat_gateway_gb", offerCode: "AmazonEC2", family: "NAT Gateway", usageEnd: "NatGateway-Bytes"},
	{key: "vpc_endpoint_hour", offerCode: "AmazonVPC", family: "VpcEndpoint", usageEnd: "VpcEndpoint-Hours"},
	{key: "alb_hour", offerCode: "AWSELB", family: "Load Balancer-Application", usageEnd: "LoadBalancerUsage"},
	{key: "alb_lcu_hour", offerCode: "AWSELB", family: "Load Balancer-Application", usageEnd: "LCUUsage"},
	{key: "fargate_vcpu_hour", offerCode: "AmazonECS", usageEnd: "Fargate-vCPU-Hours:perCPU"},
	{key: "fargate_gb_hour", offerCode: "AmazonECS", usageEnd: "Fargate-GB-Hours"},
	{key: "fargate_arm_vcpu_hour", offerCode: "AmazonECS", usageEnd: "Fargate-ARM-vCPU-Hours:perCPU"},
	{key: "fargate_arm_gb_hour", offerCode: "AmazonECS", usageEnd: "Fargate-ARM-GB-Hours"},
	{key: "aurora_postgresql.", offerCode: "AmazonRDS", family: "Database Instance",
		attrs: map[string]string{"databaseEngine": "Aurora PostgreSQL", "deploymentOption": "Single-AZ"}, suffixAttr: "instanceType"},
	{key: "aurora_serverless_v2_acu_hour", offerCode: "AmazonRDS", family: "ServerlessV2", attrs: map[string]string{"databaseEngine": "Aurora PostgreSQL"}},
	{key: "aurora_storage_gb_month", offerCode: "AmazonRDS", family: "Database Storage", attrs: map[string]string{"databaseEngine": "Aurora PostgreSQL"}, usageEnd: "Aurora:StorageUsage"},
	{key: "elasticache.", offerCode: "AmazonElastiCache", family: "Cache Instance", attrs: map[string]string{"cacheEngine": "Redis"}, suffixAttr: "instanceType"},
	{key: "kms_key_month", offerCode: "awskms", usageEnd: "KMS-Keys"},
	{key: "secret_month", offerCode: "AWSSecretsManager", usageEnd: "AWSSecretsManager-Secrets"},
	{key: "waf_web_acl_month", offerCode: "awswaf", usageEnd: "WebACLV2"},
	{key: "waf_rule_month", offerCode: "awswaf", usageEnd: "RuleV2"},
	{key: "s3_standard_gb_month", offerCode: "AmazonS3", family: "Storage", attrs: map[string]string{"volumeType": "Standard"}, usageEnd: "TimedStorage-ByteHrs"},
	{key: "ecr_storage_gb_month", offerCode: "AmazonECR", usageEnd: "TimedStorage-ByteHrs"},
}

// ReadOffers reads every *.json offer file in dir (not recursively), sorted by name.
func ReadOffers(dir string) ([]*Offer, []OfferSource, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("offers: %w", err)
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("offers: no *.json offer files in %s", dir)
	}
	sort.Strings(names)
	var offers []*Offer
	var srcs []OfferSource
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, nil, fmt.Errorf("offers: %w", err)
		}
		var o Offer
		if err := json.Unmarshal(b, &o); err != nil {
			return nil, nil, fmt.Errorf("offers: %s: not an AWS Price List offer file: %w", n, err)
		}
		if o.OfferCode == "" || o.FormatVersion == "" || o.PublicationDate == "" || o.Products == nil {
			return nil, nil, fmt.Errorf("offers: %s: not an AWS Price List offer file (needs formatVersion, offerCode, publicationDate, products)", n)
		}
		if _, err := time.Parse(time.RFC3339, o.PublicationDate); err != nil {
			return nil, nil, fmt.Errorf("offers: %s: publicationDate %q: %w", n, o.PublicationDate, err)
		}
		sum := sha256.Sum256(b)
		offers = append(offers, &o)
		srcs = append(srcs, OfferSource{OfferCode: o.OfferCode, Version: o.Version, PublicationDate: o.PublicationDate,
			File: filepath.Base(n), SHA256: hex.EncodeToString(sum[:])})
	}
	return offers, srcs, nil
}

// UpdateResult says what UpdateCatalog changed.
type UpdateResult struct {
	Catalog   *Catalog
	Updated   int      // prices taken from the offers
	Estimated []string // keys still hand-recorded (no selector, or not in the offers), sorted
}

// UpdateCatalog builds a new catalog from prev (the newest catalog so far) and offers:
// every price the offers carry for prev's regions replaces prev's; the catalog is dated
// by the newest publicationDate and records the offer files it came from. Keys the
// offers do not price stay as they were and are listed as estimated.
func UpdateCatalog(prev *Catalog, offers []*Offer, srcs []OfferSource, now time.Time) (*UpdateResult, error) {
	next := &Catalog{
		Currency:      "USD",
		HoursPerMonth: prev.HoursPerMonth,
		Units:         prev.Units,
		Regions:       map[string]map[string]float64{},
		Origin:        OriginPriceList,
		Offers:        srcs,
		GeneratedAt:   now.UTC().Format(time.RFC3339),
	}
	for region, prices := range prev.Regions {
		next.Regions[region] = map[string]float64{}
		for k, v := range prices {
			next.Regions[region][k] = v
		}
	}
	var newest time.Time
	for _, o := range offers {
		t, _ := time.Parse(time.RFC3339, o.PublicationDate)
		if t.After(newest) {
			newest = t
		}
	}
	next.AsOf = newest.UTC().Format("2006-01-02")
	fromOffers := map[string]bool{} // region + " " + key
	for _, o := range offers {
		for _, sel := range selectors {
			if sel.offerCode != o.OfferCode {
				continue
			}
			for sku, p := range o.Products {
				region := p.Attributes["regionCode"]
				if next.Regions[region] == nil || !sel.matches(p) {
					continue
				}
				key := sel.key
				if sel.suffixAttr != "" {
					key += p.Attributes[sel.suffixAttr]
				}
				price, ok, err := onDemandPrice(o.Terms.OnDemand[sku])
				if err != nil {
					return nil, fmt.Errorf("offers: %s SKU %s: %w", o.OfferCode, sku, err)
				}
				if !ok {
					continue
				}
				next.Regions[region][key] = price
				fromOffers[region+" "+key] = true
			}
		}
	}
	res := &UpdateResult{Catalog: next, Updated: len(fromOffers)}
	seen := map[string]bool{}
	for region, prices := range next.Regions {
		for k := range prices {
			if !fromOffers[region+" "+k] && !seen[k] {
				seen[k] = true
				res.Estimated = append(res.Estimated, k)
			}
		}
	}
	sort.Strings(res.Estimated)
	next.Estimated = res.Estimated
	next.Source = fmt.Sprintf("AWS Price List bulk offer files (%d, newest published %s), on-demand first-tier prices; %d key(s) still hand-recorded (estimated)",
		len(srcs), next.AsOf, len(res.Estimated))
	return res, nil
}

func (s selector) matches(p OfferProduct) bool {
	if s.family != "" && p.ProductFamily != s.family {
		return false
	}
	if s.usageEnd != "" && !strings.HasSuffix(p.Attributes["usagetype"], s.usageEnd) {
		return false
	}
	for k, v := range s.attrs {
		if p.Attributes[k] != v {
			return false
		}
	}
	return s.suffixAttr == "" || p.Attributes[s.suffixAttr] != ""
}

// onDemandPrice is the USD price of a SKU's first tier (beginRange 0) in its on-demand
// terms; false when it has none.
func onDemandPrice(terms map[string]OfferTerm) (float64, bool, error) {
	codes := make([]string, 0, len(terms))
	for c := range terms {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		dims := terms[c].PriceDimensions
		rates := make([]string, 0, len(dims))
		for r := range dims {
			rates = append(rates, r)
		}
		sort.Strings(rates)
		for _, r := range rates {
			d := dims[r]
			if d.BeginRange != "" && d.BeginRange != "0" {
				continue
			}
			usd, ok := d.PricePerUnit["USD"]
			if !ok {
				continue
			}
			v, err := strconv.ParseFloat(usd, 64)
			if err != nil {
				return 0, false, fmt.Errorf("rate %s: pricePerUnit.USD %q: %w", r, usd, err)
			}
			return v, true, nil
		}
	}
	return 0, false, nil
}

// WriteCatalog writes c as dir/aws-<as_of>.json (the newest date wins when loaded) and
// returns the path.
func WriteCatalog(c *Catalog, dir string) (string, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("price catalog: %w", err)
	}
	p := filepath.Join(dir, "aws-"+c.AsOf+".json")
	if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("price catalog: %w", err)
	}
	return p, nil
}
