package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// newPricesCmd is `olechka prices`: the cost estimate's price catalog.
func newPricesCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prices",
		Short: "The cost estimate's price catalog: build it from AWS Price List offer files",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPricesUpdateCmd(app))
	return cmd
}

func newPricesUpdateCmd(app *App) *cobra.Command {
	var offers, out, from string
	cmd := &cobra.Command{
		Use:   "update --offers DIR",
		Short: "Build a dated price catalog from AWS Price List bulk offer files",
		Long: `update reads the AWS Price List bulk offer files (the service price list files in JSON,
e.g. https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/index.json,
or a region's file) saved as *.json in --offers, and writes a new catalog,
aws-<date>.json, to --out: the previous catalog (the built-in one, or --from) with every
price the offers carry for its regions replaced by the offers' on-demand, first-tier
price. The date is the newest offer's publicationDate; the catalog records each offer
file (offer code, version, publication date, SHA-256) and lists the keys the offers
did not price, which stay hand-recorded estimates.

Until a catalog built this way is in use, validate's cost report says its prices are
hand-recorded estimates. Use the new catalog with olechka validate --price-catalog FILE,
or, in this repository, write it to internal/validate/cost/prices (the default) and
rebuild: the newest dated file there is built in. See docs/cost.md.`,
		Example: `  olechka prices update --offers ~/Downloads/offers
  olechka prices update --offers offers --out /tmp/prices --from my-catalog.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if offers == "" {
				return &ExitError{Code: 2, Err: fmt.Errorf("prices update: --offers DIR is required")}
			}
			prev, err := cost.DefaultCatalog()
			if from != "" {
				prev, err = cost.LoadCatalog(from)
			}
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			offerFiles, srcs, err := cost.ReadOffers(offers)
			if err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			res, err := cost.UpdateCatalog(prev, offerFiles, srcs, time.Now())
			if err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			path, err := cost.WriteCatalog(res.Catalog, out)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			for _, s := range srcs {
				fmt.Fprintf(app.Stdout, "offer %s version %s published %s (%s)\n", s.OfferCode, s.Version, s.PublicationDate, s.File)
			}
			fmt.Fprintf(app.Stdout, "%s: prices as of %s, %d price(s) from the offers, %d key(s) still hand-recorded\n",
				path, res.Catalog.AsOf, res.Updated, len(res.Estimated))
			return nil
		},
	}
	cmd.Flags().StringVar(&offers, "offers", "", "folder of AWS Price List offer files (*.json)")
	cmd.Flags().StringVar(&out, "out", "internal/validate/cost/prices", "folder the dated catalog is written to")
	cmd.Flags().StringVar(&from, "from", "", "catalog to start from (default: the built-in one)")
	return cmd
}
