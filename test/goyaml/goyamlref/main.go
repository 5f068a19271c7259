// goyamlref: the Go YAML libraries fluxts reproduces (engines/goyaml), as a reference for the conformance tests in
// test/goyaml. One JSON request per line on stdin, one JSON answer per line on stdout.
//
//	{"op":"sigs","json":"…"}              sigs.k8s.io/yaml.JSONToYAML (kustomize output, flux --export)
//	{"op":"helm","json":"…"}              Helm's toYaml: sigs.k8s.io/yaml.Marshal of the decoded value, one "\n" trimmed
//	{"op":"v3","node":{…},"indent":4}     go.yaml.in/yaml/v3 Encoder.SetIndent(indent) of a node tree with comments
//	{"op":"resolve2","text":"…"}          sigs.k8s.io/yaml.YAMLToJSON of `v: <text>` (go-yaml v2 typing)
//	{"op":"resolve3","text":"…"}          go-yaml v3 decoding of `v: <text>` into interface{}, as JSON
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

type node struct {
	Kind  string `json:"kind"`
	Pairs []struct {
		Key   node `json:"key"`
		Value node `json:"value"`
	} `json:"pairs"`
	Items []node   `json:"items"`
	Text  string   `json:"text"`
	Style string   `json:"style"`
	Head  []string `json:"head"`
	Line  []string `json:"line"`
	Foot  []string `json:"foot"`
}

type request struct {
	Op     string `json:"op"`
	JSON   string `json:"json"`
	Text   string `json:"text"`
	Node   node   `json:"node"`
	Indent int    `json:"indent"`
}

type response struct {
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
}

func comment(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "#" + l
	}
	return strings.Join(out, "\n")
}

func toYamlNode(n node) *yaml3.Node {
	y := &yaml3.Node{HeadComment: comment(n.Head), LineComment: comment(n.Line), FootComment: comment(n.Foot)}
	switch n.Kind {
	case "map":
		y.Kind = yaml3.MappingNode
		for _, p := range n.Pairs {
			y.Content = append(y.Content, toYamlNode(p.Key), toYamlNode(p.Value))
		}
	case "seq":
		y.Kind = yaml3.SequenceNode
		for _, it := range n.Items {
			y.Content = append(y.Content, toYamlNode(it))
		}
	default:
		y.Kind = yaml3.ScalarNode
		y.Value = n.Text
		switch n.Style {
		case "double":
			y.Style = yaml3.DoubleQuotedStyle
		case "single":
			y.Style = yaml3.SingleQuotedStyle
		case "literal":
			y.Style = yaml3.LiteralStyle
		}
	}
	return y
}

func answer(r request) (string, error) {
	switch r.Op {
	case "sigs":
		out, err := yaml.JSONToYAML([]byte(r.JSON))
		return string(out), err
	case "helm":
		var v interface{}
		if err := json.Unmarshal([]byte(r.JSON), &v); err != nil {
			return "", err
		}
		out, err := yaml.Marshal(v)
		return strings.TrimSuffix(string(out), "\n"), err
	case "v3":
		var buf bytes.Buffer
		enc := yaml3.NewEncoder(&buf)
		enc.SetIndent(r.Indent)
		if err := enc.Encode(toYamlNode(r.Node)); err != nil {
			return "", err
		}
		err := enc.Close()
		return buf.String(), err
	case "resolve2":
		out, err := yaml.YAMLToJSON([]byte("v: " + r.Text))
		return string(out), err
	case "resolve3":
		var v map[string]interface{}
		if err := yaml3.Unmarshal([]byte("v: "+r.Text), &v); err != nil {
			return "", err
		}
		out, err := json.Marshal(v)
		return string(out), err
	}
	return "", fmt.Errorf("unknown op %q", r.Op)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			resp.Error = err.Error()
		} else if text, err := answer(r); err != nil {
			resp.Error = err.Error()
		} else {
			resp.Output = &text
		}
		_ = out.Encode(resp)
	}
}
