package detect

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// MaxJobs is GitHub Actions' limit on the jobs one matrix may generate.
const MaxJobs = 256

// MatrixEntry is one job of the GitHub Actions matrix.
type MatrixEntry struct {
	Unit      string `json:"unit"`
	Env       string `json:"env"`
	Tier      string `json:"tier"`
	Region    string `json:"region"`
	AccountID string `json:"account_id"`
	Wave      int    `json:"wave"`
	Action    string `json:"action"`
}

// Matrix is a GitHub Actions matrix: `strategy: matrix: ${{ fromJSON(...) }}`.
type Matrix struct {
	Include []MatrixEntry `json:"include"`
}

// Matrices splits the affected units, in run order, into matrices of at most size
// jobs each (MaxJobs when size <= 0). With splitWaves a matrix never holds two waves,
// so running the matrices one after another keeps the apply order. No units: no
// matrices.
func (r *Result) Matrices(size int, splitWaves bool) []Matrix {
	if size <= 0 || size > MaxJobs {
		size = MaxJobs
	}
	var out []Matrix
	for i, u := range r.Units {
		if len(out) == 0 || len(out[len(out)-1].Include) == size ||
			(splitWaves && u.Wave != r.Units[i-1].Wave) {
			out = append(out, Matrix{})
		}
		m := &out[len(out)-1]
		m.Include = append(m.Include, MatrixEntry{
			Unit: u.Path, Env: u.Env, Tier: u.Tier, Region: u.Region, AccountID: u.AccountID,
			Wave: u.Wave, Action: u.Action,
		})
	}
	return out
}

// Waves returns the number of waves (0 when nothing is affected).
func (r *Result) Waves() int {
	n := 0
	for _, u := range r.Units {
		n = max(n, u.Wave+1)
	}
	return n
}

// WriteGitHubOutput appends the step outputs to w (the file $GITHUB_OUTPUT names):
// has-changes, count, waves, batches, base, head, and matrix-0 ... matrix-N (see
// Matrices), each JSON for fromJSON; any and matrix alias has-changes and matrix-0. Values use the heredoc syntax with a random
// delimiter, so no value can end one early.
func (r *Result) WriteGitHubOutput(w io.Writer, batchSize int, splitWaves bool) error {
	ms := r.Matrices(batchSize, splitWaves)
	put := func(name, value string) error {
		delim, err := delimiter()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s<<%s\n%s\n%s\n", name, delim, value, delim)
		return err
	}
	values := [][2]string{
		{"has-changes", fmt.Sprint(len(r.Units) > 0)},
		{"count", fmt.Sprint(len(r.Units))},
		{"waves", fmt.Sprint(r.Waves())},
		{"batches", fmt.Sprint(len(ms))},
		{"base", r.Base},
		{"head", r.Head},
	}
	first := `{"include":[]}`
	for i, m := range ms {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if i == 0 {
			first = string(b)
		}
		values = append(values, [2]string{fmt.Sprintf("matrix-%d", i), string(b)})
	}
	// Aliases for workflows with a single plan job: any = has-changes, matrix = the
	// first batch (all of it while batches is 1).
	values = append(values, [2]string{"any", fmt.Sprint(len(r.Units) > 0)}, [2]string{"matrix", first})
	for _, v := range values {
		if err := put(v[0], v[1]); err != nil {
			return fmt.Errorf("write GitHub output: %w", err)
		}
	}
	return nil
}

func delimiter() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "OLECHKA_EOF_" + hex.EncodeToString(b), nil
}

// maxSummaryRows bounds the rows of the job summary table (GitHub caps a step
// summary at 1 MiB).
const maxSummaryRows = 300

// maxSummaryJobs bounds the rows of the summary's jobs table.
const maxSummaryJobs = 100

// WriteSummary writes a markdown summary of the result (for $GITHUB_STEP_SUMMARY): the
// packed plan jobs (r.Jobs, see Pack), then every affected unit with its wave, job and
// reasons.
func (r *Result) WriteSummary(w io.Writer) error {
	var b strings.Builder
	plans, destroys := 0, 0
	for _, u := range r.Units {
		if u.Action == ActionDestroy {
			destroys++
		} else {
			plans++
		}
	}
	fmt.Fprintf(&b, "### olechka detect: %s\n\n", countText(plans, destroys))
	if r.Base == "" {
		fmt.Fprintf(&b, "Every unit at head `%s`", artifact.ShortID(r.Head))
	} else {
		fmt.Fprintf(&b, "Base `%s` → head `%s`", artifact.ShortID(r.Base), artifact.ShortID(r.Head))
	}
	jobOf := map[string]int{}
	most := 0
	for _, j := range r.Jobs {
		for _, u := range j.Units {
			jobOf[j.Action+" "+u] = j.ID
		}
		most = max(most, len(j.Units))
	}
	if len(r.Units) > 0 {
		fmt.Fprintf(&b, "; %d wave(s)", r.Waves())
		if len(r.Jobs) > 0 {
			fmt.Fprintf(&b, "; %s packed into %s (one OIDC role and region each, at most %s; each job plans its units in parallel with one provider cache)",
				plural(len(r.Units), "unit"), plural(len(r.Jobs), "plan job"), plural(most, "unit"))
		}
		b.WriteString(".")
	}
	b.WriteString("\n\n")
	if len(r.Jobs) > 0 {
		b.WriteString("| Job | Action | Account | Region | Env | Units | Waves |\n|---:|---|---|---|---|---:|---|\n")
		for i, j := range r.Jobs {
			if i == maxSummaryJobs {
				fmt.Fprintf(&b, "\n… and %d more jobs.\n", len(r.Jobs)-maxSummaryJobs)
				break
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %d | %s |\n", j.ID, j.Action, cell(j.AccountID), cell(j.Region),
				cell(j.Env), len(j.Units), waveRange(j.Waves))
		}
		b.WriteString("\n")
	}
	if len(r.Units) > 0 {
		b.WriteString("| Wave | Action | Unit | Job | Env | Region | Why |\n|---:|---|---|---:|---|---|---|\n")
		for i, u := range r.Units {
			if i == maxSummaryRows {
				fmt.Fprintf(&b, "\n… and %d more units.\n", len(r.Units)-maxSummaryRows)
				break
			}
			job := "-"
			if id, ok := jobOf[u.Action+" "+u.Path]; ok {
				job = fmt.Sprint(id)
			}
			why := strings.Join(u.Reasons, "<br>")
			fmt.Fprintf(&b, "| %d | %s | `%s` | %s | %s | %s | %s |\n", u.Wave, u.Action, u.Path, job,
				cell(u.Env), cell(u.Region), cell(why))
		}
	}
	if len(r.Warnings) > 0 || len(r.HeadErrors) > 0 {
		b.WriteString("\n**Problems**\n\n")
		for _, e := range r.HeadErrors {
			fmt.Fprintf(&b, "- does not evaluate at head: %s\n", cell(errHead(e)))
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- %s\n", cell(w))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// waveRange is "2" or "0–3": the waves a job's units are in.
func waveRange(waves []int) string {
	if len(waves) == 0 {
		return "-"
	}
	lo, hi := slices.Min(waves), slices.Max(waves)
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// WriteText writes the result for a terminal.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "base %s\nhead %s\n", artifact.ShortID(r.Base), artifact.ShortID(r.Head))
	if len(r.Units) == 0 {
		b.WriteString("No units affected.\n")
	} else {
		plans, destroys := 0, 0
		for _, u := range r.Units {
			if u.Action == ActionDestroy {
				destroys++
			} else {
				plans++
			}
		}
		fmt.Fprintf(&b, "%s:\n", countText(plans, destroys))
		for _, u := range r.Units {
			fmt.Fprintf(&b, "  wave %-3d %-8s %s\n", u.Wave, u.Action, u.Path)
			for _, why := range u.Reasons {
				fmt.Fprintf(&b, "             %s\n", why)
			}
		}
	}
	if st := r.Stats; st.HeadUnits+st.BaseUnits > 0 {
		fmt.Fprintf(&b, "(%d units at head evaluated; %d of %d at base", st.HeadUnits, st.BaseEvaluated, st.BaseUnits)
		if st.FullBase != "" && st.FullBase != "--full" {
			fmt.Fprintf(&b, ", all because %s", st.FullBase)
		}
		b.WriteString(")\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func countText(plans, destroys int) string {
	switch {
	case plans == 0 && destroys == 0:
		return "no units affected"
	case destroys == 0:
		return plural(plans, "unit") + " to plan"
	case plans == 0:
		return plural(destroys, "unit") + " to destroy"
	}
	return plural(plans, "unit") + " to plan, " + plural(destroys, "unit") + " to destroy"
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return fmt.Sprintf("%d %ss", n, s)
}

// cell escapes text for a markdown table cell.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
