package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/graph"
)

// unitRow is one line of `olechka units`.
type unitRow struct {
	Path      string `json:"path"`
	Wave      int    `json:"wave"`
	Env       string `json:"env,omitempty"`
	Tier      string `json:"tier,omitempty"`
	Region    string `json:"region,omitempty"`
	AccountID string `json:"account_id,omitempty"`
	Source    string `json:"source,omitempty"`
}

func newUnitsCmd(app *App) *cobra.Command {
	var (
		asJSON bool
		flags  evalFlags
	)
	cmd := &cobra.Command{
		Use:   "units [--json] [PATH]",
		Short: "List the units under PATH with their wave, env, tier and region",
		Long: `units lists every unit (folder holding terragrunt.hcl) under PATH with its apply
wave and, where the tree says so in the unit's inputs (environment, tier,
aws_region, aws_account_id), its env, tier, region and account.`,
		Example: `  olechka units live
  olechka units --json live | jq '.[] | select(.env == "production")'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := pathArg(args)
			if err != nil {
				return err
			}
			rows, t, err := listUnits(cmd.Context(), app, &flags, root)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(app, rows); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(app.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "UNIT\tWAVE\tENV\tTIER\tREGION")
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", r.Path, r.Wave, dash(r.Env), dash(r.Tier), dash(r.Region))
				}
				tw.Flush()
			}
			return reportTreeErrors(app, t)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	flags.register(cmd)
	return cmd
}

// listUnits evaluates the tree at root and lists its units with their waves.
func listUnits(ctx context.Context, app *App, flags *evalFlags, root string) ([]unitRow, *config.Tree, error) {
	t, err := loadTree(ctx, app, flags, root)
	if err != nil {
		return nil, nil, err
	}
	waveOf, err := graph.FromTree(t).WaveOf()
	if err != nil {
		return nil, nil, &ExitError{Code: 1, Err: err}
	}
	rows := make([]unitRow, 0, len(t.Units))
	for _, u := range t.Units {
		r := unitRow{Path: u.Path, Wave: waveOf[u.Path], Env: u.Env, Tier: u.Tier, Region: u.Region, AccountID: u.AccountID}
		if u.Config.Terraform != nil {
			r.Source = u.Config.Terraform.Source
		}
		rows = append(rows, r)
	}
	return rows, t, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
