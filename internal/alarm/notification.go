// Package alarm turns the SNS notifications CloudWatch sends for alarm state changes
// into Slack Block Kit messages and posts them to a Slack incoming webhook whose URL is
// kept in Secrets Manager. cmd/alarm-forwarder runs it as a Lambda function.
package alarm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Notification is the JSON CloudWatch publishes to SNS when an alarm changes state.
// Metric alarms carry Trigger; composite alarms carry AlarmRule and TriggeringChildren.
type Notification struct {
	AlarmName          string   `json:"AlarmName"`
	AlarmDescription   *string  `json:"AlarmDescription"`
	AWSAccountID       string   `json:"AWSAccountId"`
	NewStateValue      string   `json:"NewStateValue"`
	NewStateReason     string   `json:"NewStateReason"`
	StateChangeTime    string   `json:"StateChangeTime"`
	Region             string   `json:"Region"` // a display name, e.g. "EU (Frankfurt)"
	AlarmArn           string   `json:"AlarmArn"`
	OldStateValue      string   `json:"OldStateValue"`
	AlarmActions       []string `json:"AlarmActions"`
	Trigger            *Trigger `json:"Trigger"`
	AlarmRule          string   `json:"AlarmRule"`
	TriggeringChildren []Child  `json:"TriggeringChildren"`
}

// Trigger describes what a metric alarm watches.
type Trigger struct {
	MetricName         string      `json:"MetricName"`
	Namespace          string      `json:"Namespace"`
	StatisticType      string      `json:"StatisticType"` // Statistic or ExtendedStatistic
	Statistic          string      `json:"Statistic"`     // AVERAGE, SUM... (upper case in notifications)
	ExtendedStatistic  string      `json:"ExtendedStatistic"`
	Unit               *string     `json:"Unit"`
	Dimensions         []Dimension `json:"Dimensions"`
	Period             int         `json:"Period"`
	EvaluationPeriods  int         `json:"EvaluationPeriods"`
	DatapointsToAlarm  int         `json:"DatapointsToAlarm"`
	ComparisonOperator string      `json:"ComparisonOperator"`
	Threshold          *float64    `json:"Threshold"`
	ThresholdMetricID  string      `json:"ThresholdMetricId"`
	TreatMissingData   string      `json:"TreatMissingData"`
	Metrics            []Query     `json:"Metrics"` // metric math and multi-metric alarms
}

// Dimension is a metric dimension; notifications spell the keys in lower case.
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Query is one entry of a metric math alarm's Metrics.
type Query struct {
	ID         string      `json:"Id"`
	Expression string      `json:"Expression"`
	Label      string      `json:"Label"`
	ReturnData bool        `json:"ReturnData"`
	MetricStat *MetricStat `json:"MetricStat"`
}

// MetricStat is a metric a metric math expression reads.
type MetricStat struct {
	Metric struct {
		Namespace  string      `json:"Namespace"`
		MetricName string      `json:"MetricName"`
		Dimensions []Dimension `json:"Dimensions"`
	} `json:"Metric"`
	Period int    `json:"Period"`
	Stat   string `json:"Stat"`
}

// Child is an alarm whose state change made a composite alarm change.
type Child struct {
	Arn   string `json:"Arn"`
	State struct {
		Value     string `json:"Value"`
		Timestamp string `json:"Timestamp"`
	} `json:"State"`
}

// ErrNotAlarm marks a message that is valid JSON but not an alarm state change.
var ErrNotAlarm = errors.New("not a CloudWatch alarm notification")

var states = map[string]bool{"OK": true, "ALARM": true, "INSUFFICIENT_DATA": true}

// Parse reads an SNS message body. Malformed JSON is an error; JSON that is not an alarm
// state change wraps ErrNotAlarm.
func Parse(message string) (*Notification, error) {
	var n Notification
	if err := json.Unmarshal([]byte(message), &n); err != nil {
		return nil, fmt.Errorf("alarm notification is not JSON: %w", err)
	}
	switch {
	case n.AlarmName == "":
		return nil, fmt.Errorf("%w: no AlarmName", ErrNotAlarm)
	case !states[n.NewStateValue]:
		return nil, fmt.Errorf("%w: NewStateValue %q is not OK, ALARM or INSUFFICIENT_DATA", ErrNotAlarm, n.NewStateValue)
	}
	return &n, nil
}

// Composite says whether the alarm is a composite alarm.
func (n *Notification) Composite() bool {
	return n.AlarmRule != "" || (n.Trigger == nil && len(n.TriggeringChildren) > 0)
}

// RegionCode returns the region of the alarm from its ARN (the Region field is a
// display name).
func (n *Notification) RegionCode() string {
	// arn:aws:cloudwatch:eu-central-1:123456789012:alarm:name
	parts := strings.SplitN(n.AlarmArn, ":", 7)
	if len(parts) >= 4 {
		return parts[3]
	}
	return ""
}

// Partition returns the partition of the alarm's ARN ("aws" when unknown).
func (n *Notification) Partition() string {
	parts := strings.SplitN(n.AlarmArn, ":", 3)
	if len(parts) >= 2 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

var operators = map[string]string{
	"GreaterThanOrEqualToThreshold":            ">=",
	"GreaterThanThreshold":                     ">",
	"LessThanThreshold":                        "<",
	"LessThanOrEqualToThreshold":               "<=",
	"LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
	"LessThanLowerThreshold":                   "below the band",
	"GreaterThanUpperThreshold":                "above the band",
}

// MetricText describes what the alarm watches: "AWS/ECS CPUUtilization (ClusterName=x,
// ServiceName=y)", or the expression of a metric math alarm with the metrics it reads.
func (n *Notification) MetricText() string {
	if n.Composite() {
		return "composite rule: " + n.AlarmRule
	}
	t := n.Trigger
	if t == nil {
		return "unknown"
	}
	if t.MetricName != "" {
		return metricName(t.Namespace, t.MetricName, t.Dimensions)
	}
	var expr []string
	var inputs []string
	for _, q := range t.Metrics {
		switch {
		case q.Expression != "" && q.ReturnData:
			s := q.Expression
			if q.Label != "" {
				s = q.Label + " = " + s
			}
			expr = append(expr, s)
		case q.MetricStat != nil:
			m := q.MetricStat.Metric
			inputs = append(inputs, fmt.Sprintf("%s: %s %s", q.ID, metricName(m.Namespace, m.MetricName, m.Dimensions), q.MetricStat.Stat))
		}
	}
	out := strings.Join(expr, "; ")
	if len(inputs) > 0 {
		out += " where " + strings.Join(inputs, ", ")
	}
	if out == "" {
		return "metric math"
	}
	return out
}

func metricName(ns, name string, dims []Dimension) string {
	s := strings.TrimSpace(ns + " " + name)
	if len(dims) > 0 {
		var d []string
		for _, dim := range dims {
			d = append(d, dim.Name+"="+dim.Value)
		}
		s += " (" + strings.Join(d, ", ") + ")"
	}
	return s
}

// ThresholdText describes the condition: "> 75 (Average of 60 s, 3 of 3 periods)".
func (n *Notification) ThresholdText() string {
	if n.Composite() {
		var kids []string
		for _, c := range n.TriggeringChildren {
			name := c.Arn
			if i := strings.LastIndex(c.Arn, ":alarm:"); i >= 0 {
				name = c.Arn[i+len(":alarm:"):]
			}
			kids = append(kids, fmt.Sprintf("%s is %s", name, c.State.Value))
		}
		if len(kids) == 0 {
			return "rule evaluated true"
		}
		return "triggered by " + strings.Join(kids, ", ")
	}
	t := n.Trigger
	if t == nil {
		return "unknown"
	}
	op, ok := operators[t.ComparisonOperator]
	if !ok {
		op = t.ComparisonOperator
	}
	var s string
	switch {
	case t.Threshold != nil:
		s = fmt.Sprintf("%s %s", op, formatNumber(*t.Threshold))
	case t.ThresholdMetricID != "":
		s = fmt.Sprintf("%s band %s", op, t.ThresholdMetricID)
	default:
		s = op
	}
	if t.Unit != nil && *t.Unit != "" {
		s += " " + *t.Unit
	}
	stat := t.ExtendedStatistic
	if stat == "" && t.Statistic != "" {
		stat = strings.ToUpper(t.Statistic[:1]) + strings.ToLower(t.Statistic[1:])
	}
	var detail []string
	switch {
	case stat != "" && t.Period > 0:
		detail = append(detail, fmt.Sprintf("%s of %d s", stat, t.Period))
	case t.Period > 0:
		detail = append(detail, fmt.Sprintf("periods of %d s", t.Period))
	}
	if t.EvaluationPeriods > 0 {
		dp := t.DatapointsToAlarm
		if dp == 0 {
			dp = t.EvaluationPeriods
		}
		detail = append(detail, fmt.Sprintf("%d of %d periods", dp, t.EvaluationPeriods))
	}
	if len(detail) > 0 {
		s += " (" + strings.Join(detail, ", ") + ")"
	}
	return s
}

func formatNumber(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), ".")
}
