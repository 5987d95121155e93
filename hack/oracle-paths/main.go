// Command oracle-paths evaluates a corpus of gjson reads, sjson writes and deletes, Go regexp
// replacements, CEL expressions and whole (non-template) mutation lists with the Go libraries the Go
// api-syncagent v0.7.0 resolves (gjson v1.18.0, sjson v1.2.5, cel-go v0.28.0, Go regexp; see go.mod) and writes golden files
// that the TypeScript unit tests compare against byte for byte.
//
// Usage: go run . <corpus dir> <repo root>
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// writeGolden writes cases as a JSON array, one case per line, for readable diffs.
func writeGolden(path string, cases []map[string]any) {
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, c := range cases {
		b, err := json.Marshal(c)
		if err != nil {
			panic(fmt.Sprintf("%s case %d: %v", path, i, err))
		}
		buf.Write(b)
		if i < len(cases)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		panic(err)
	}
}

func readCorpus(path string) []map[string]any {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var cases []map[string]any
	if err := json.Unmarshal(data, &cases); err != nil {
		panic(fmt.Sprintf("%s: %v", path, err))
	}
	return cases
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "batch" {
		batch(os.Args[2], os.Args[3])
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: oracle-paths <corpus dir> <repo root> | oracle-paths batch <in.json> <out.json>")
		os.Exit(2)
	}
	corpus, root := os.Args[1], os.Args[2]
	operator := filepath.Join(root, "operator")

	run := func(name, out string, fn func(map[string]any) map[string]any) {
		cases := readCorpus(filepath.Join(corpus, name+".json"))
		for i, c := range cases {
			cases[i] = fn(c)
		}
		writeGolden(filepath.Join(operator, out, "testdata", name+".golden.json"), cases)
		fmt.Printf("%-10s %4d cases\n", name, len(cases))
	}
	run("gjson", "golang/gjson", gjsonCase)
	run("sjson", "golang/gjson", sjsonCase)
	run("regex", "golang/regexp", regexCase)
	run("cel", "golang/cel", celCase)
	run("mutation", "engine/mutation", mutationCase)
	run("legacy-naming", "engine/naming", legacyNamingCase)
	run("naming", "engine/naming", namingCase)
	run("reference", "engine/related", referenceCase)
	run("related-template", "engine/related", relatedTemplateCase)
}

// batch evaluates {"gjson":[...],"sjson":[...],"cel":[...],"mutation":[...]} (cases as in the corpus)
// and writes the same object with every case's "want" filled in; used by hack/fuzz.sh.
func batch(in, out string) {
	data, err := os.ReadFile(in)
	if err != nil {
		panic(err)
	}
	var all map[string][]map[string]any
	if err := json.Unmarshal(data, &all); err != nil {
		panic(err)
	}
	fns := map[string]func(map[string]any) map[string]any{
		"gjson": gjsonCase, "sjson": sjsonCase, "cel": celCase, "mutation": mutationCase,
	}
	for kind, cases := range all {
		fn, ok := fns[kind]
		if !ok {
			panic("unknown case kind " + kind)
		}
		for i, c := range cases {
			cases[i] = safeCase(fn, c)
		}
	}
	b, err := json.Marshal(all)
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		panic(err)
	}
}

// safeCase records a panic of the Go libraries as the case's outcome instead of aborting the batch.
func safeCase(fn func(map[string]any) map[string]any, c map[string]any) (res map[string]any) {
	defer func() {
		if r := recover(); r != nil {
			c["want"] = map[string]any{"panic": fmt.Sprint(r)}
			res = c
		}
	}()
	return fn(c)
}
