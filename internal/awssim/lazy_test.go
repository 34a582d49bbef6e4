package awssim

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// Load reads the schema file lazily: a request builds only the types it names, the
// schema answer is the one New serves from the fully decoded file, and OpenTofu is
// told it may serve the schema from its cache to further provider instances.
func TestLoadIsLazyAndServesTheSameSchema(t *testing.T) {
	full := newProvider(t)
	lazy, err := Load(testenv.File(t, schema.FileName))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	md, err := lazy.GetMetadata(ctx, &tfprotov5.GetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !md.ServerCapabilities.GetProviderSchemaOptional {
		t.Error("GetProviderSchemaOptional is not announced")
	}
	if len(md.Resources) != len(full.resources.names()) || len(md.DataSources) != len(full.data.names()) {
		t.Errorf("metadata lists %d resources and %d data sources, want %d and %d",
			len(md.Resources), len(md.DataSources), len(full.resources.names()), len(full.data.names()))
	}
	if n := len(lazy.resources.built) + len(lazy.data.built); n != 0 {
		t.Errorf("%d type(s) built before any request needed them", n)
	}
	if r, _ := lazy.ValidateResourceTypeConfig(ctx, &tfprotov5.ValidateResourceTypeConfigRequest{TypeName: "aws_vpc"}); hasError(r.Diagnostics) {
		t.Fatal(r.Diagnostics)
	}
	if len(lazy.resources.built) != 1 || lazy.resources.built["aws_vpc"] == nil {
		t.Errorf("after one aws_vpc request, built = %v", slices.Sorted(maps.Keys(lazy.resources.built)))
	}
	if r, _ := lazy.ValidateResourceTypeConfig(ctx, &tfprotov5.ValidateResourceTypeConfigRequest{TypeName: "aws_no_such_thing"}); !hasError(r.Diagnostics) {
		t.Error("an unknown resource type validated")
	}

	a, err := lazy.GetProviderSchema(ctx, &tfprotov5.GetProviderSchemaRequest{})
	if err != nil || hasError(a.Diagnostics) {
		t.Fatal(err, a.Diagnostics)
	}
	b, err := full.GetProviderSchema(ctx, &tfprotov5.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.ResourceSchemas) != len(b.ResourceSchemas) || len(a.DataSourceSchemas) != len(b.DataSourceSchemas) || len(a.EphemeralResourceSchemas) != len(b.EphemeralResourceSchemas) {
		t.Fatalf("lazy serves %d/%d/%d types, full %d/%d/%d", len(a.ResourceSchemas), len(a.DataSourceSchemas), len(a.EphemeralResourceSchemas),
			len(b.ResourceSchemas), len(b.DataSourceSchemas), len(b.EphemeralResourceSchemas))
	}
	for n, s := range b.ResourceSchemas {
		if !reflect.DeepEqual(a.ResourceSchemas[n], s) {
			t.Errorf("resource %s: lazy schema differs from the fully decoded one", n)
		}
	}
	for n, s := range b.DataSourceSchemas {
		if !reflect.DeepEqual(a.DataSourceSchemas[n], s) {
			t.Errorf("data source %s: lazy schema differs from the fully decoded one", n)
		}
	}
}
