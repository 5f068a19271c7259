// helmref answers questions about Helm v4.2.4's building blocks (YAML decoding, values files, the --set family),
// one JSON request per line on stdin, one JSON answer per line on stdout, by calling Helm's own packages. The
// differential unit tests of engines/helm compare against it; whole renders are compared with the helm binary.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"helm.sh/helm/v4/pkg/action"
	helmkubefake "helm.sh/helm/v4/pkg/kube/fake"
	rspb "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	v2loader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	"helm.sh/helm/v4/pkg/strvals"
)

type request struct {
	Op     string   `json:"op"`
	Text   string   `json:"text"`
	Inputs []string `json:"inputs"`
	Kinds  []string `json:"kinds"`
	// Values are the values flags of a pipeline request.
	Values values.Options `json:"values"`
	// Labels are the labels of a stored release (install, decodeSecret).
	Labels map[string]string `json:"labels"`
}

// storedSecret is a release Secret as the storage driver wrote it: name, labels, type and the release data
// (the base64 text of the gzipped JSON, as Secret.Data holds it).
type storedSecret struct {
	Name    string            `json:"name"`
	Labels  map[string]string `json:"labels"`
	Type    string            `json:"type"`
	Release string            `json:"release"`
}

// install runs Helm's install action against a fake cluster (a fake clientset behind the Secret storage driver,
// and Helm's fake kube client, which accepts everything) and returns the release Secrets it wrote.
func install(req request) (string, error) {
	vals, err := req.Values.MergeValues(getter.Providers{})
	if err != nil {
		return "", err
	}
	c, err := loader.Load(req.Text)
	if err != nil {
		return "", err
	}
	name, ns := req.Inputs[0], req.Inputs[1]
	clientset := kubefake.NewClientset()
	secrets := driver.NewSecrets(clientset.CoreV1().Secrets(ns))
	cfg := &action.Configuration{
		Releases:     storage.Init(secrets),
		KubeClient:   &helmkubefake.FailingKubeClient{PrintingKubeClient: helmkubefake.PrintingKubeClient{Out: io.Discard}},
		Capabilities: common.DefaultCapabilities,
	}
	inst := action.NewInstall(cfg)
	inst.ReleaseName = name
	inst.Namespace = ns
	inst.Labels = req.Labels
	if _, err := inst.Run(c, vals); err != nil {
		return "", err
	}
	list, err := clientset.CoreV1().Secrets(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	out := []storedSecret{}
	for _, s := range list.Items {
		out = append(out, storedSecret{Name: s.Name, Labels: s.Labels, Type: string(s.Type), Release: string(s.Data["release"])})
	}
	d, err := json.Marshal(out)
	return string(d), err
}

// decodeSecret reads a release Secret written by fluxts through Helm's Secret driver and returns the release as
// Helm marshals it, with the labels Helm reports.
func decodeSecret(req request) (string, error) {
	ns := req.Inputs[1]
	obj := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: req.Inputs[0], Namespace: ns, Labels: req.Labels},
		Type:       "helm.sh/release.v1",
		Data:       map[string][]byte{"release": []byte(req.Text)},
	}
	clientset := kubefake.NewClientset(obj)
	r, err := driver.NewSecrets(clientset.CoreV1().Secrets(ns)).Get(req.Inputs[0])
	if err != nil {
		return "", err
	}
	rel := r.(*rspb.Release)
	j, err := json.Marshal(rel)
	if err != nil {
		return "", err
	}
	d, err := json.Marshal(map[string]any{"json": string(j), "labels": rel.Labels})
	return string(d), err
}

type response struct {
	Value *string `json:"value,omitempty"`
	Error *string `json:"error,omitempty"`
}

// typed renders a Go value with its dynamic types, so that float64 and int64 are told apart.
func typed(v any) string {
	var b strings.Builder
	writeTyped(&b, v)
	return b.String()
}

func writeTyped(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		q, _ := json.Marshal(x)
		b.WriteString("s")
		b.Write(q)
	case float64:
		b.WriteString("f(" + strconv.FormatFloat(x, 'g', -1, 64) + ")")
	case int64:
		b.WriteString("i64(" + strconv.FormatInt(x, 10) + ")")
	case int:
		b.WriteString("int(" + strconv.Itoa(x) + ")")
	case []any:
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(",")
			}
			writeTyped(b, e)
		}
		b.WriteString("]")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",")
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteString(":")
			writeTyped(b, x[k])
		}
		b.WriteString("}")
	default:
		fmt.Fprintf(b, "?%T", v)
	}
}

// chartDesc is what a loaded chart is compared by: its metadata and lock as encoding/json writes them, file
// names by kind, typed default values, the schema and the subcharts (ordered by name).
type chartDesc struct {
	Metadata  json.RawMessage `json:"metadata"`
	Lock      json.RawMessage `json:"lock"`
	Templates []string        `json:"templates"`
	Files     []string        `json:"files"`
	Values    string          `json:"values"`
	Schema    *string         `json:"schema"`
	Deps      []chartDesc     `json:"deps"`
}

func describe(c *chart.Chart) chartDesc {
	md, _ := json.Marshal(c.Metadata)
	lock, _ := json.Marshal(c.Lock)
	d := chartDesc{Metadata: md, Lock: lock, Templates: []string{}, Files: []string{}, Deps: []chartDesc{}}
	for _, f := range c.Templates {
		d.Templates = append(d.Templates, f.Name)
	}
	for _, f := range c.Files {
		d.Files = append(d.Files, f.Name)
	}
	if c.Values == nil {
		d.Values = "nil"
	} else {
		d.Values = typed(c.Values)
	}
	if c.Schema != nil {
		s := string(c.Schema)
		d.Schema = &s
	}
	deps := c.Dependencies()
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name() < deps[j].Name() })
	for _, dep := range deps {
		d.Deps = append(d.Deps, describe(dep))
	}
	return d
}

func answer(req request) (string, error) {
	switch req.Op {
	case "yaml":
		var v any
		if err := yaml.Unmarshal([]byte(req.Text), &v); err != nil {
			return "", err
		}
		return typed(v), nil
	case "values":
		v, err := v2loader.LoadValues(bytes.NewReader([]byte(req.Text)))
		if err != nil {
			return "", err
		}
		return typed(v), nil
	case "strvals":
		dest := map[string]any{}
		for i, in := range req.Inputs {
			var err error
			switch req.Kinds[i] {
			case "set":
				err = strvals.ParseInto(in, dest)
			case "set-string":
				err = strvals.ParseIntoString(in, dest)
			case "set-json":
				err = strvals.ParseJSON(in, dest)
			case "set-literal":
				err = strvals.ParseLiteralInto(in, dest)
			}
			if err != nil {
				return "", err
			}
		}
		return typed(dest), nil
	case "pipeline":
		// The values steps of helm template: user values, chart load, dependency processing, coalescing and
		// schema validation.
		vals, err := req.Values.MergeValues(getter.Providers{})
		if err != nil {
			return "", err
		}
		c, err := loader.Load(req.Text)
		if err != nil {
			return "", err
		}
		ch := c.(*chart.Chart)
		if err := chartutil.ProcessDependencies(ch, vals); err != nil {
			return "", fmt.Errorf("chart dependencies processing failed: %w", err)
		}
		top, err := util.ToRenderValuesWithSchemaValidation(ch, vals, common.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true}, nil, false)
		if err != nil {
			return "", err
		}
		out := map[string]any{"config": typed(vals), "values": typed(map[string]any(top["Values"].(common.Values))), "chart": describe(ch)}
		d, err := json.Marshal(out)
		return string(d), err
	case "schema":
		// Inputs[0] is the schema, Text the values (YAML, as a values file).
		v, err := v2loader.LoadValues(bytes.NewReader([]byte(req.Text)))
		if err != nil {
			return "", err
		}
		if err := util.ValidateAgainstSingleSchema(v, []byte(req.Inputs[0])); err != nil {
			return "", err
		}
		return "valid", nil
	case "install":
		return install(req)
	case "decodeSecret":
		return decodeSecret(req)
	case "loadchart":
		c, err := loader.Load(req.Text)
		if err != nil {
			return "", err
		}
		ch, ok := c.(*chart.Chart)
		if !ok {
			return "", fmt.Errorf("invalid chart apiVersion")
		}
		d, err := json.Marshal(describe(ch))
		return string(d), err
	}
	return "", fmt.Errorf("unknown op %q", req.Op)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<28)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			msg := err.Error()
			resp.Error = &msg
		} else if v, err := answer(req); err != nil {
			msg := err.Error()
			resp.Error = &msg
		} else {
			resp.Value = &v
		}
		_ = enc.Encode(resp)
		_ = out.Flush()
	}
}
