// kyamlref applies image-automation setters the way image-automation-controller v1.2 does, with the same kyaml
// pieces (kio.ByteReader with PreserveSeqIndent, fieldmeta with the "$imagepolicy" shorthand, openapi.Resolve,
// yaml.FormatNonStringStyle, kio.LocalPackageWriter), so that engines/setters can be compared with it. The
// controller's own module is not served by the Go module proxy here, hence this program. JSON lines on stdin/stdout.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/fieldmeta"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

type imageRef struct {
	Name   string `json:"name"`
	Tag    string `json:"tag"`
	Digest string `json:"digest,omitempty"`
}

type policy struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	LatestRef *imageRef `json:"latestRef,omitempty"`
}

type request struct {
	Files    map[string]string `json:"files"`
	Policies []policy          `json:"policies"`
}

type change struct {
	File       string `json:"file"`
	Setter     string `json:"setter"`
	OldValue   string `json:"oldValue"`
	NewValue   string `json:"newValue"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
}

type response struct {
	Files   map[string]string `json:"files"`
	Changes []change          `json:"changes"`
	Error   string            `json:"error,omitempty"`
}

func init() {
	fieldmeta.SetShortHandRef("$imagepolicy")
	openapi.SuppressBuiltInSchemaUse()
}

func setterDef(name, value string) spec.Schema {
	s := spec.StringProperty()
	s.Extensions = map[string]interface{}{"x-k8s-cli": map[string]interface{}{"setter": map[string]string{"name": name, "value": value}}}
	return *s
}

func definitions(policies []policy) *spec.Schema {
	defs := map[string]spec.Schema{}
	for _, p := range policies {
		if p.LatestRef == nil {
			continue
		}
		full := p.LatestRef.Name + ":" + p.LatestRef.Tag
		if p.LatestRef.Digest != "" {
			full += "@" + p.LatestRef.Digest
		}
		base := p.Namespace + ":" + p.Name
		defs[fieldmeta.SetterDefinitionPrefix+base] = setterDef(base, full)
		defs[fieldmeta.SetterDefinitionPrefix+base+":tag"] = setterDef(base+":tag", p.LatestRef.Tag)
		defs[fieldmeta.SetterDefinitionPrefix+base+":name"] = setterDef(base+":name", p.LatestRef.Name)
		defs[fieldmeta.SetterDefinitionPrefix+base+":digest"] = setterDef(base+":digest", p.LatestRef.Digest)
	}
	return &spec.Schema{SchemaProps: spec.SchemaProps{Definitions: defs}}
}

// setterOf returns the setter name and value a scalar's comments select, as fieldmeta + openapi.Resolve do.
func setterOf(n *yaml.RNode, schema *spec.Schema) (string, string, *spec.Schema, bool) {
	fm := fieldmeta.FieldMeta{SettersSchema: schema}
	if err := fm.Read(n); err != nil || fm.IsEmpty() {
		return "", "", nil, false
	}
	s := &fm.Schema
	if fm.Schema.Ref.String() != "" {
		r, err := openapi.Resolve(&fm.Schema.Ref, schema)
		if err != nil || r == nil {
			return "", "", nil, false
		}
		s = r
	}
	raw, ok := s.Extensions["x-k8s-cli"]
	if !ok {
		return "", "", nil, false
	}
	var ext struct {
		Setter *struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"setter"`
	}
	b, err := json.Marshal(raw)
	if err != nil || json.Unmarshal(b, &ext) != nil || ext.Setter == nil {
		return "", "", nil, false
	}
	name, value := ext.Setter.Name, ext.Setter.Value
	return name, value, s, true
}

func walk(n *yaml.RNode, schema *spec.Schema, visit func(*yaml.RNode, string, string)) error {
	switch n.YNode().Kind {
	case yaml.DocumentNode:
		return walk(yaml.NewRNode(n.YNode().Content[0]), schema, visit)
	case yaml.MappingNode:
		return n.VisitFields(func(f *yaml.MapNode) error { return walk(f.Value, schema, visit) })
	case yaml.SequenceNode:
		return n.VisitElements(func(e *yaml.RNode) error { return walk(e, schema, visit) })
	case yaml.ScalarNode:
		name, value, s, ok := setterOf(n, schema)
		if !ok {
			return nil
		}
		old := n.YNode().Value
		n.YNode().Value = value
		if len(s.Type) > 0 {
			yaml.FormatNonStringStyle(n.YNode(), *s)
		}
		visit(n, name, old)
	}
	return nil
}

func handle(req request) response {
	dir, err := os.MkdirTemp("", "kyamlref-")
	if err != nil {
		return response{Error: err.Error()}
	}
	defer os.RemoveAll(dir)
	paths := make([]string, 0, len(req.Files))
	for p, text := range req.Files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return response{Error: err.Error()}
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			return response{Error: err.Error()}
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	schema := definitions(req.Policies)
	res := response{Files: map[string]string{}, Changes: []change{}}
	var nodes []*yaml.RNode
	for _, p := range paths {
		ext := filepath.Ext(p)
		if ext != ".yaml" && ext != ".yml" && filepath.Base(p) != "Kustomization" {
			continue
		}
		text := req.Files[p]
		if !strings.Contains(text, `"$imagepolicy"`) {
			continue
		}
		r := &kio.ByteReader{Reader: bytes.NewBufferString(text), SetAnnotations: map[string]string{kioutil.PathAnnotation: p}, PreserveSeqIndent: true}
		docs, err := r.Read()
		if err != nil {
			continue // a problem file: skipped
		}
		nodes = append(nodes, docs...)
	}
	updated := map[string]bool{}
	for _, n := range nodes {
		file, _, _ := kioutil.GetFileAnnotations(n)
		err := walk(n, schema, func(_ *yaml.RNode, setter, old string) {
			value := ""
			if v, _, _, ok := lookup(schema, setter); ok {
				value = v
			}
			if value == old {
				return
			}
			updated[file] = true
			c := change{File: file, Setter: setter, OldValue: old, NewValue: value}
			if meta, err := n.GetMeta(); err == nil {
				c.APIVersion, c.Kind, c.Name, c.Namespace = meta.APIVersion, meta.Kind, meta.Name, meta.Namespace
			}
			res.Changes = append(res.Changes, c)
		})
		if err != nil {
			return response{Error: err.Error()}
		}
	}
	var out []*yaml.RNode
	for _, n := range nodes {
		if file, _, _ := kioutil.GetFileAnnotations(n); updated[file] {
			out = append(out, n)
		}
	}
	if err := (&kio.LocalPackageWriter{PackagePath: dir}).Write(out); err != nil {
		return response{Error: err.Error()}
	}
	for file := range updated {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return response{Error: err.Error()}
		}
		res.Files[file] = string(b)
	}
	return res
}

// lookup returns the value of a setter definition.
func lookup(schema *spec.Schema, setter string) (string, string, *spec.Schema, bool) {
	d, ok := schema.Definitions[fieldmeta.SetterDefinitionPrefix+setter]
	if !ok {
		return "", "", nil, false
	}
	ext, _ := d.Extensions["x-k8s-cli"].(map[string]interface{})
	st, _ := ext["setter"].(map[string]string)
	return st["value"], setter, &d, true
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			_ = out.Encode(response{Error: err.Error()})
			continue
		}
		_ = out.Encode(handle(req))
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
