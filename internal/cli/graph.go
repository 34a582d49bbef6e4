package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/graph"
)

func newGraphCmd(app *App) *cobra.Command {
	var (
		format string
		flags  evalFlags
	)
	cmd := &cobra.Command{
		Use:   "graph [--format text|json|mermaid|dot] [PATH]",
		Short: "Print the dependency graph of the units under PATH, with apply and destroy waves",
		Long: `graph builds the DAG from every unit's dependency and dependencies blocks and
prints its waves: wave 0 holds units with no dependencies, wave N units whose
dependencies are all in earlier waves (the apply order); reverse waves are the
destroy order. A dependency cycle is an error that names every unit on it.

Formats: text (default), json ({"waves": [...], "reverse_waves": [...], "edges": {...}}),
mermaid (renders on GitHub) and dot (Graphviz).`,
		Example: `  olechka graph live
  olechka graph --format mermaid live/production`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "mermaid", "dot":
			default:
				return fmt.Errorf("unknown --format %q: use text, json, mermaid or dot", format)
			}
			root, err := pathArg(args)
			if err != nil {
				return err
			}
			flags.render = true // edges do not depend on outputs
			t, err := loadTree(cmd.Context(), app, &flags, root)
			if err != nil {
				return err
			}
			// Every unit that evaluates is graphed; the broken ones are named on stderr
			// with file:line and make the exit status non-zero.
			g := graph.FromTree(t)
			if err := g.Validate(); err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			waves, err := g.Waves()
			if err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			if err := showGraph(app, t, g, waves, format); err != nil {
				return err
			}
			return reportTreeErrors(app, t)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json, mermaid or dot")
	flags.register(cmd)
	return cmd
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeWaves(w io.Writer, title string, waves [][]string) {
	fmt.Fprintf(w, "%s:\n", title)
	for i, wave := range waves {
		fmt.Fprintf(w, "  wave %d:\n", i)
		for _, n := range wave {
			fmt.Fprintf(w, "    %s\n", n)
		}
	}
}

// mermaidID turns a unit path into a Mermaid node id.
func mermaidID(p string) string {
	r := strings.NewReplacer("/", "_", "-", "_", ".", "_", " ", "_")
	return "u_" + r.Replace(p)
}

func writeMermaid(w io.Writer, g *graph.Graph, waves [][]string) {
	fmt.Fprintln(w, "graph LR")
	for i, wave := range waves {
		fmt.Fprintf(w, "  subgraph wave%d[\"wave %d\"]\n", i, i)
		for _, n := range wave {
			fmt.Fprintf(w, "    %s[\"%s\"]\n", mermaidID(n), n)
		}
		fmt.Fprintln(w, "  end")
	}
	for _, n := range g.Nodes() {
		for _, d := range g.Deps(n) {
			fmt.Fprintf(w, "  %s --> %s\n", mermaidID(d), mermaidID(n))
		}
	}
}

func writeDot(w io.Writer, g *graph.Graph) {
	fmt.Fprintln(w, "digraph units {")
	fmt.Fprintln(w, "  rankdir=LR;")
	for _, n := range g.Nodes() {
		fmt.Fprintf(w, "  %q;\n", n)
	}
	for _, n := range g.Nodes() {
		for _, d := range g.Deps(n) {
			fmt.Fprintf(w, "  %q -> %q;\n", d, n)
		}
	}
	fmt.Fprintln(w, "}")
}

// showGraph is graph's view: the apply and destroy waves (and the edges) in the format
// asked for.
func showGraph(app *App, t *config.Tree, g *graph.Graph, waves [][]string, format string) error {
	rev, _ := g.ReverseWaves()
	switch format {
	case "json":
		edges := map[string][]string{}
		for _, n := range g.Nodes() {
			edges[n] = nonNil(g.Deps(n))
		}
		if err := writeJSON(app, map[string]any{"waves": waves, "reverse_waves": rev, "edges": edges, "broken": nonNil(t.Broken)}); err != nil {
			return err
		}
	case "mermaid":
		writeMermaid(app.Stdout, g, waves)
	case "dot":
		writeDot(app.Stdout, g)
	default:
		writeWaves(app.Stdout, "Apply waves", waves)
		fmt.Fprintln(app.Stdout)
		writeWaves(app.Stdout, "Destroy waves", rev)
		if len(t.Broken) > 0 {
			fmt.Fprintf(app.Stdout, "\nDo not evaluate (their own dependencies are unknown): %s\n", strings.Join(t.Broken, ", "))
		}
	}
	return nil
}
