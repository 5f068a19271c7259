// gotemplate-ref executes Go text/template requests read as JSON lines on stdin and answers each with one JSON
// line: {"output": "..."} or {"error": "...", "phase": "parse"|"exec"}. It is the reference for fluxts'
// engines/gotemplate differential tests; the function map here is mirrored by test/gotemplate/funcs.ts.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"
)

type request struct {
	Root      string      `json:"root"`
	Templates [][2]string `json:"templates"`
	Exec      string      `json:"exec"`
	Data      any         `json:"data"`
	Options   []string    `json:"options"`
	Delims    []string    `json:"delims"`
	// Bench, when positive, parses the set and executes it that many times each and reports the mean times.
	Bench int `json:"bench"`
}

type response struct {
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
	Phase  string  `json:"phase,omitempty"`
	// ParseNs and ExecNs are the mean times of a bench request.
	ParseNs int64 `json:"parseNs,omitempty"`
	ExecNs  int64 `json:"execNs,omitempty"`
}

// Point is a struct with methods on the pointer, exported and unexported fields.
type Point struct {
	X, Y  int
	Label string
	Any   any
	hide  bool
}

func (p *Point) Sum() int              { return p.X + p.Y }
func (p *Point) Scale(f int) *Point    { return &Point{X: p.X * f, Y: p.Y * f, Label: p.Label} }
func (p *Point) Fail() (string, error) { return "", errors.New("point failure") }
func (p *Point) Greet(s string) string { return "hello " + s + " from " + p.Label }
func (p *Point) Variadic(xs ...int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// Version has a String method on the value.
type Version struct{ Major, Minor int }

func (v Version) String() string { return fmt.Sprintf("v%d.%d", v.Major, v.Minor) }

// Values is a named map with a method, like Helm's chartutil.Values.
type Values map[string]any

func (v Values) AsMap() map[string]any { return v }
func (v Values) Table(name string) (Values, error) {
	if t, ok := v[name].(map[string]any); ok {
		return Values(t), nil
	}
	return Values{}, fmt.Errorf("no table named %q", name)
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"list": func(xs ...any) []any { return xs },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"strs":  func(xs ...string) []string { return xs },
		"ints":  func(xs ...int) []int { return xs },
		"bytes": func(s string) []byte { return []byte(s) },
		"strmap": func(kv ...string) map[string]string {
			m := map[string]string{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		},
		"i64":      func(n int) int64 { return int64(n) },
		"u8":       func(n int) uint8 { return uint8(n) },
		"u64":      func(n int) uint64 { return uint64(n) },
		"f64":      func(n int) float64 { return float64(n) },
		"toFloat":  func(s string) (float64, error) { return strconv.ParseFloat(s, 64) },
		"add":      func(a, b int) int { return a + b },
		"upper":    strings.ToUpper,
		"repeat":   func(n int, s string) string { return strings.Repeat(s, n) },
		"concat":   func(sep string, xs ...string) string { return strings.Join(xs, sep) },
		"fail":     func(msg string) (string, error) { return "", errors.New(msg) },
		"boom":     func() string { panic("kaboom") },
		"divide":   func(a, b int) int { return a / b },
		"point":    func(x, y int, label string) *Point { return &Point{X: x, Y: y, Label: label} },
		"pointv":   func(x, y int) Point { return Point{X: x, Y: y} },
		"nilpoint": func() *Point { return nil },
		"version":  func(a, b int) Version { return Version{a, b} },
		"values":   func(m map[string]any) Values { return Values(m) },
		"nilmap":   func() map[string]any { return nil },
		"nilslice": func() []string { return nil },
		"anynil":   func() any { return nil },
		"adder":    func() func(int, int) int { return func(a, b int) int { return a + b } },
		"failer":   func() func() (int, error) { return func() (int, error) { return 0, errors.New("failer failed") } },
		"chan": func(xs ...any) chan any {
			c := make(chan any, len(xs))
			for _, x := range xs {
				c <- x
			}
			close(c)
			return c
		},
		"cplx":     func() complex128 { return complex(1, 2) },
		"isNil":    func(v any) bool { return v == nil },
		"typeOf":   func(v any) string { return fmt.Sprintf("%T", v) },
		"takeList": func(l []any) int { return len(l) },
		"takeMap":  func(m map[string]any) int { return len(m) },
		"takeBool": func(b bool) bool { return !b },
		"takeU":    func(u uint) uint { return u + 1 },
		"takeF":    func(f float64) float64 { return f * 2 },
		"takeAny":  func(v any) string { return fmt.Sprintf("%T:%v", v, v) },
	}
}

// decode turns the JSON encoding of typed values ({"$int": "5"} …) into Go values.
func decode(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = decode(x[i])
		}
		return x
	case map[string]any:
		if len(x) == 1 {
			for k, inner := range x {
				if strings.HasPrefix(k, "$") {
					return decodeTyped(k[1:], inner)
				}
			}
		}
		for k := range x {
			x[k] = decode(x[k])
		}
		return x
	}
	return v
}

func decodeTyped(kind string, v any) any {
	switch kind {
	case "int":
		n, _ := strconv.ParseInt(v.(string), 10, 64)
		return int(n)
	case "int64":
		n, _ := strconv.ParseInt(v.(string), 10, 64)
		return n
	case "uint8":
		n, _ := strconv.ParseUint(v.(string), 10, 8)
		return uint8(n)
	case "uint64":
		n, _ := strconv.ParseUint(v.(string), 10, 64)
		return n
	case "strings":
		var out []string
		for _, s := range v.([]any) {
			out = append(out, s.(string))
		}
		return out
	case "strmap":
		out := map[string]string{}
		for k, s := range v.(map[string]any) {
			out[k] = s.(string)
		}
		return out
	case "bytes":
		b, _ := base64.StdEncoding.DecodeString(v.(string))
		return b
	case "values":
		return Values(decode(v).(map[string]any))
	case "point":
		m := v.(map[string]any)
		return &Point{X: int(m["X"].(float64)), Y: int(m["Y"].(float64)), Label: m["Label"].(string), Any: decode(m["Any"])}
	case "float":
		f, _ := strconv.ParseFloat(v.(string), 64)
		return f
	}
	panic("unknown typed value $" + kind)
}

// parseSet builds the template set of a request.
func parseSet(req request, root string) (*template.Template, error) {
	t := template.New(root).Funcs(funcs())
	if len(req.Options) > 0 {
		t.Option(req.Options...)
	}
	if len(req.Delims) == 2 {
		t.Delims(req.Delims[0], req.Delims[1])
	}
	for _, tpl := range req.Templates {
		target := t
		if tpl[0] != root {
			target = t.New(tpl[0])
		}
		if _, err := target.Parse(tpl[1]); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// cpuTime is the process's user and system CPU time so far (what a busy shared machine does not distort).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bench times parsing and executing a request's set: the mean CPU time of the best of three rounds each.
func bench(req request, root, exec string) response {
	var t *template.Template
	var parseNs, execNs int64 = -1, -1
	for round := 0; round < 3; round++ {
		start := cpuTime()
		for i := 0; i < req.Bench; i++ {
			var err error
			if t, err = parseSet(req, root); err != nil {
				return response{Error: err.Error(), Phase: "parse"}
			}
		}
		if ns := (cpuTime() - start).Nanoseconds() / int64(req.Bench); parseNs < 0 || ns < parseNs {
			parseNs = ns
		}
	}
	data := decode(req.Data)
	for round := 0; round < 3; round++ {
		start := cpuTime()
		for i := 0; i < req.Bench; i++ {
			if err := t.ExecuteTemplate(io.Discard, exec, data); err != nil {
				return response{Error: err.Error(), Phase: "exec"}
			}
		}
		if ns := (cpuTime() - start).Nanoseconds() / int64(req.Bench); execNs < 0 || ns < execNs {
			execNs = ns
		}
	}
	return response{ParseNs: parseNs, ExecNs: execNs}
}

func handle(req request) (resp response) {
	root := req.Root
	if root == "" {
		root = "t"
	}
	defer func() {
		if r := recover(); r != nil {
			resp = response{Error: fmt.Sprint(r), Phase: "panic"}
		}
	}()
	exec := req.Exec
	if exec == "" {
		exec = root
	}
	if req.Bench > 0 {
		return bench(req, root, exec)
	}
	t, err := parseSet(req, root)
	if err != nil {
		return response{Error: err.Error(), Phase: "parse"}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, exec, decode(req.Data)); err != nil {
		return response{Error: err.Error(), Phase: "exec"}
	}
	out := buf.String()
	return response{Output: &out}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			_ = enc.Encode(response{Error: "bad request: " + err.Error(), Phase: "request"})
		} else {
			_ = enc.Encode(handle(req))
		}
		out.Flush()
	}
}
