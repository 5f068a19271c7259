// sprigref executes Go templates with the Sprig function map exactly as Helm v4.2.4 exposes it (Sprig v3.3.0
// minus env/expandenv, getHostByName answering "" as Helm does without --enable-dns), for differential tests.
//
// Protocol: one JSON request per stdin line, one JSON answer per stdout line, in order.
//
//	{"tpl": "{{ trunc 3 .s }}", "data": {"s": "hello"}}  ->  {"output": "<base64 of the bytes>"} or {"error": "..."}
//
// data is decoded as Helm decodes values (every number a float64). Parse errors are answered as errors too.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

type request struct {
	Tpl  string          `json:"tpl"`
	Data json.RawMessage `json:"data"`
}

type response struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["getHostByName"] = func(_ string) string { return "" }
	return f
}

func run(req request) response {
	var data any
	if len(req.Data) > 0 {
		if err := json.Unmarshal(req.Data, &data); err != nil {
			msg := "bad data: " + err.Error()
			return response{Error: &msg}
		}
	}
	t, err := template.New("t").Funcs(funcMap()).Parse(req.Tpl)
	if err != nil {
		msg := err.Error()
		return response{Error: &msg}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		msg := err.Error()
		return response{Error: &msg}
	}
	out := base64.StdEncoding.EncodeToString(buf.Bytes())
	return response{Output: &out}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			msg := "bad request: " + err.Error()
			_ = enc.Encode(response{Error: &msg})
		} else {
			_ = enc.Encode(run(req))
		}
		_ = out.Flush()
	}
}
