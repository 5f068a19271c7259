// Copyright for this file: fluxts authors. Apache-2.0.
//
// Dropped into a copy of kustomize's api module by scripts/krusty-conformance.ts (never compiled by fluxts itself).
// kustomizer.go's Run is renamed runInner; this Run records every build a krusty test asks for (the files it can
// see, the directory and the options) as one JSON file, then runs the original. The recording lets the
// conformance script rebuild each case with the real kustomize binary and with fluxts, on the same inputs.

package krusty

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type fluxtsCase struct {
	Test                 string            `json:"test"`
	File                 string            `json:"file"`
	Line                 int               `json:"line"`
	Index                int               `json:"index"`
	Path                 string            `json:"path"`
	OnDisk               bool              `json:"onDisk"`
	LoadRestrictionsNone bool              `json:"loadRestrictionsNone"`
	PluginsEnabled       bool              `json:"pluginsEnabled"`
	HelmEnabled          bool              `json:"helmEnabled"`
	AddManagedbyLabel    bool              `json:"addManagedByLabel"`
	Files                map[string][]byte `json:"files"`
	Dirs                 []string          `json:"dirs"`
	Root                 string            `json:"root"`
	KrustyError          string            `json:"krustyError,omitempty"`
	KrustyOK             bool              `json:"krustyOk"`
}

var (
	fluxtsDumpMu    sync.Mutex
	fluxtsDumpCount = map[string]int{}
)

// fluxtsCaller names the krusty test (outermost Test function) and the line of the test file that asked for the build.
func fluxtsCaller() (string, string, int) {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	test, file, line := "unknown", "", 0
	for {
		f, more := frames.Next()
		if i := strings.Index(f.Function, "krusty_test.Test"); i >= 0 {
			name := f.Function[i+len("krusty_test."):]
			if j := strings.Index(name, "."); j >= 0 {
				name = name[:j]
			}
			test = name
			if strings.HasSuffix(f.File, "_test.go") && file == "" {
				file, line = filepath.Base(f.File), f.Line
			}
		}
		if !more {
			break
		}
	}
	return test, file, line
}

// fluxtsWalkRoot is the part of the filesystem a case can see: the whole in-memory tree, or the temporary
// directory an on-disk test works in.
func fluxtsWalkRoot(fSys filesys.FileSystem, path string) (string, bool) {
	if strings.Contains(fmt.Sprintf("%T", fSys), "fsNode") {
		return "/", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", true
	}
	tmp := os.TempDir()
	if !strings.HasPrefix(abs, tmp+"/") {
		return "", true
	}
	rest := strings.Split(strings.TrimPrefix(abs, tmp+"/"), "/")
	return filepath.Join(tmp, rest[0]), true
}

func (b *Kustomizer) Run(fSys filesys.FileSystem, path string) (resmap.ResMap, error) {
	m, err := b.runInner(fSys, path)
	out := os.Getenv("FLUXTS_KRUSTY_DUMP")
	if out == "" {
		return m, err
	}
	test, file, line := fluxtsCaller()
	c := fluxtsCase{
		Test: test, File: file, Line: line, Path: path,
		LoadRestrictionsNone: b.options.LoadRestrictions == types.LoadRestrictionsNone,
		PluginsEnabled:       b.options.PluginConfig != nil && b.options.PluginConfig.PluginRestrictions != types.PluginRestrictionsBuiltinsOnly,
		HelmEnabled:          b.options.PluginConfig != nil && b.options.PluginConfig.HelmConfig.Enabled,
		AddManagedbyLabel:    b.options.AddManagedbyLabel,
		Files:                map[string][]byte{},
		KrustyOK:             err == nil,
	}
	if err != nil {
		c.KrustyError = err.Error()
	}
	root, onDisk := fluxtsWalkRoot(fSys, path)
	c.OnDisk = onDisk
	c.Root = root
	if root != "" {
		_ = fSys.Walk(root, func(p string, info os.FileInfo, werr error) error {
			if werr != nil || len(c.Files) > 2000 {
				return nil
			}
			if info.IsDir() {
				c.Dirs = append(c.Dirs, p)
				return nil
			}
			if data, rerr := fSys.ReadFile(p); rerr == nil {
				c.Files[p] = data
			}
			return nil
		})
	}
	fluxtsDumpMu.Lock()
	c.Index = fluxtsDumpCount[test]
	fluxtsDumpCount[test]++
	fluxtsDumpMu.Unlock()
	data, jerr := json.Marshal(c)
	if jerr == nil {
		_ = os.WriteFile(filepath.Join(out, fmt.Sprintf("%s-%03d.json", test, c.Index)), data, 0o644)
	}
	return m, err
}
