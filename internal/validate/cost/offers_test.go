package cost

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUpdateCatalogFromOffers(t *testing.T) {
	prev, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if prev.PriceOrigin() != OriginHandRecorded {
		t.Fatalf("the embedded catalog says its origin is %q; until updated from offers it is hand-recorded", prev.PriceOrigin())
	}
	offers, srcs, err := ReadOffers("testdata/offers")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	res, err := UpdateCatalog(prev, offers, srcs, now)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Catalog
	// Dated by the newest publicationDate; where and when recorded.
	if c.AsOf != "2026-12-03" || c.PriceOrigin() != OriginPriceList || c.GeneratedAt != "2026-12-06T20:00:00Z" {
		t.Fatalf("as_of %s origin %s generated %s", c.AsOf, c.PriceOrigin(), c.GeneratedAt)
	}
	if len(c.Offers) != 2 || c.Offers[0].OfferCode != "AmazonEC2" || c.Offers[0].Version != "20261201120000" ||
		len(c.Offers[0].SHA256) != 64 || c.Offers[1].PublicationDate != "2026-12-03T09:00:00Z" {
		t.Fatalf("offers recorded: %+v", c.Offers)
	}
	for _, w := range []struct {
		region, key string
		want        float64
	}{
		{"eu-central-1", "nat_gateway_hour", 0.053},
		{"eu-central-1", "nat_gateway_gb", 0.053},
		{"ap-southeast-1", "nat_gateway_hour", 0.059},
		{"eu-central-1", "aurora_postgresql.db.r6g.large", 0.312}, // not Aurora MySQL's 0.29
	} {
		if got, _ := c.Price(w.region, w.key); got != w.want {
			t.Errorf("%s %s = %v, want %v", w.region, w.key, got, w.want)
		}
	}
	if res.Updated != 4 {
		t.Errorf("updated %d prices, want 4", res.Updated)
	}
	// Regions the catalog does not cover are not added; untouched keys keep their value
	// and are listed as estimated.
	if _, ok := c.Regions["us-east-1"]; ok {
		t.Error("us-east-1 was added from the offers")
	}
	if p, _ := c.Price("eu-central-1", "kms_key_month"); p != prev.Regions["eu-central-1"]["kms_key_month"] {
		t.Errorf("kms_key_month changed to %v", p)
	}
	if !slices.Contains(res.Estimated, "kms_key_month") || slices.Contains(res.Estimated, "nat_gateway_hour") {
		t.Errorf("estimated keys: %v", res.Estimated)
	}
	// The previous catalog is left alone.
	if p, _ := prev.Price("eu-central-1", "nat_gateway_hour"); p == 0.053 {
		t.Error("UpdateCatalog changed the previous catalog")
	}
	// Written and read back.
	dir := t.TempDir()
	path, err := WriteCatalog(c, dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "aws-2026-12-03.json" {
		t.Errorf("written to %s", path)
	}
	back, err := LoadCatalog(path)
	if err != nil || back.PriceOrigin() != OriginPriceList || len(back.Offers) != 2 {
		t.Fatalf("read back: %v %+v", err, back)
	}
}

func TestReadOffersRejectsOtherFiles(t *testing.T) {
	for name, body := range map[string]string{
		"not-json.json":  "{",
		"catalog.json":   `{"as_of": "2026-11-25", "regions": {"eu-central-1": {}}}`,
		"bad-date.json":  `{"formatVersion": "v1.0", "offerCode": "AmazonEC2", "publicationDate": "yesterday", "products": {}}`,
		"bad-price.json": `{"formatVersion": "v1.0", "offerCode": "AmazonEC2", "publicationDate": "2026-12-01T00:00:00Z", "products": {"A": {"sku": "A", "productFamily": "NAT Gateway", "attributes": {"usagetype": "EUC1-NatGateway-Hours", "regionCode": "eu-central-1"}}}, "terms": {"OnDemand": {"A": {"A.T": {"priceDimensions": {"A.T.R": {"beginRange": "0", "pricePerUnit": {"USD": "cheap"}}}}}}}}`,
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		offers, srcs, err := ReadOffers(dir)
		if err == nil {
			prev, _ := DefaultCatalog()
			_, err = UpdateCatalog(prev, offers, srcs, time.Now())
		}
		if err == nil || !strings.Contains(err.Error(), "offers: ") {
			t.Errorf("%s: err %v", name, err)
		}
	}
	if _, _, err := ReadOffers(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.json offer files") {
		t.Errorf("empty folder: %v", err)
	}
}
