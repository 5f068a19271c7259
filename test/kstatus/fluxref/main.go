// Command fluxref evaluates Flux's own Go code on JSON requests, one per line on stdin, and answers one JSON line
// per request on stdout. The fluxts differential tests (test/kstatus, test/envsubst) compare the TypeScript engines
// against it. Operations:
//
//	envsubst: fluxcd/pkg/envsubst Eval with a strict or lenient variable mapping
//	varsub:   fluxcd/pkg/kustomize SubstituteVariables on one resource (dry-run: inline vars only)
//	kstatus:  cli-utils status.Compute, or Flux's Job status function for batch/Job
//	celhealth: fluxcd/pkg/runtime/cel StatusEvaluator (healthCheckExprs)
//	celexpr:  fluxcd/pkg/runtime/cel Expression, parsed or compiled with struct variables
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	"github.com/fluxcd/pkg/apis/kustomize"
	"github.com/fluxcd/pkg/envsubst"
	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	"github.com/fluxcd/pkg/runtime/cel"
	"github.com/fluxcd/pkg/runtime/statusreaders"
	celtypes "github.com/google/cel-go/common/types"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/kustomize/api/provider"
)

type request struct {
	Op string `json:"op"`
	// envsubst / varsub
	Input  string            `json:"input"`
	Vars   map[string]string `json:"vars"`
	Strict bool              `json:"strict"`
	Always bool              `json:"always"`
	// kstatus / celhealth / celexpr (raw so that integers stay int64)
	Object json.RawMessage `json:"object"`
	// celhealth
	Current    string `json:"current"`
	InProgress string `json:"inProgress"`
	Failed     string `json:"failed"`
	// celexpr
	Expr     string   `json:"expr"`
	Compile  bool     `json:"compile"`
	BoolOut  bool     `json:"boolOut"`
	VarNames []string `json:"varNames"`
}

type response struct {
	Output     *string            `json:"output,omitempty"`
	JSON       json.RawMessage    `json:"json,omitempty"`
	Status     string             `json:"status,omitempty"`
	Message    *string            `json:"message,omitempty"`
	Conditions []status.Condition `json:"conditions,omitempty"`
	Value      any                `json:"value,omitempty"`
	Error      *string            `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fail(&response{}, err)
			continue
		}
		_ = enc.Encode(handle(req))
		out.Flush()
	}
}

func fail(res *response, err error) *response {
	msg := err.Error()
	res.Error = &msg
	return res
}

func str(s string) *string { return &s }

func handle(req request) (res *response) {
	res = &response{}
	defer func() {
		if r := recover(); r != nil {
			res = fail(&response{}, fmt.Errorf("panic: %v", r))
		}
	}()
	switch req.Op {
	case "envsubst":
		out, err := envsubst.Eval(req.Input, func(s string) (string, bool) {
			if req.Strict {
				v, ok := req.Vars[s]
				return v, ok
			}
			return req.Vars[s], true
		})
		if err != nil {
			return fail(res, err)
		}
		res.Output = str(out)
	case "varsub":
		factory := provider.NewDefaultDepProvider().GetResourceFactory()
		r, err := factory.FromBytes([]byte(req.Input))
		if err != nil {
			return fail(res, err)
		}
		subst := map[string]any{}
		for k, v := range req.Vars {
			subst[k] = v
		}
		ks := unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
			"kind":       "Kustomization",
			"metadata":   map[string]any{"name": "test", "namespace": "default"},
			"spec":       map[string]any{"postBuild": map[string]any{"substitute": subst}},
		}}
		outRes, err := fluxkustomize.SubstituteVariables(context.Background(), nil, ks, r,
			fluxkustomize.SubstituteWithDryRun(true),
			fluxkustomize.SubstituteWithStrict(req.Strict),
			fluxkustomize.SubstituteWithAlways(req.Always))
		if err != nil {
			return fail(res, err)
		}
		if outRes == nil {
			outRes = r
		}
		y, err := outRes.AsYAML()
		if err != nil {
			return fail(res, err)
		}
		j, err := outRes.MarshalJSON()
		if err != nil {
			return fail(res, err)
		}
		res.Output = str(string(y))
		res.JSON = j
	case "kstatus":
		u, err := object(req.Object)
		if err != nil {
			return fail(res, err)
		}
		var result *status.Result
		if u.GroupVersionKind().Group == "batch" && u.GetKind() == "Job" {
			r := statusreaders.ComputeJobStatus(u)
			result = &r
		} else {
			result, err = status.Compute(u)
			if err != nil {
				return fail(res, err)
			}
		}
		res.Status = string(result.Status)
		res.Message = str(result.Message)
		res.Conditions = result.Conditions
	case "celhealth":
		u, err := object(req.Object)
		if err != nil {
			return fail(res, err)
		}
		se, err := cel.NewStatusEvaluator(&kustomize.HealthCheckExpressions{
			Current: req.Current, InProgress: req.InProgress, Failed: req.Failed,
		})
		if err != nil {
			return fail(res, err)
		}
		result, err := se.Evaluate(context.Background(), u)
		if err != nil {
			return fail(res, err)
		}
		res.Status = string(result.Status)
	case "celexpr":
		var data map[string]any
		if err := utiljson.Unmarshal(req.Object, &data); err != nil {
			return fail(res, err)
		}
		var opts []cel.Option
		if req.Compile {
			opts = append(opts, cel.WithCompile(), cel.WithStructVariables(req.VarNames...))
			if req.BoolOut {
				opts = append(opts, cel.WithOutputType(celtypes.BoolType))
			}
		}
		expr, err := cel.NewExpression(req.Expr, opts...)
		if err != nil {
			return fail(res, err)
		}
		if req.BoolOut {
			v, err := expr.EvaluateBoolean(context.Background(), data)
			if err != nil {
				return fail(res, err)
			}
			res.Value = v
		} else {
			v, err := expr.Evaluate(context.Background(), data)
			if err != nil {
				return fail(res, err)
			}
			res.Value = fmt.Sprintf("%v", v)
		}
	default:
		return fail(res, fmt.Errorf("unknown op %q", req.Op))
	}
	return res
}

// object decodes JSON the way the Kubernetes client does: integers become int64, other numbers float64.
func object(raw json.RawMessage) (*unstructured.Unstructured, error) {
	var m map[string]any
	if err := utiljson.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}
