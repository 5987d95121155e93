// Command oracle-template renders the template corpus (cases.txt) with Go's text/template,
// html/template, sprig v3.3.0 and the agent's own functions, and writes golden outputs as JSON.
//
// Corpus format (cases.txt), one directive or case per line:
//
//	#! data <json>     data for the following cases (decoded like Kubernetes unstructured: ints -> int64)
//	#! ctx map|struct  map: the data is the dot; struct: the data's keys fill a NameData struct
//	#! mode text|html  text/template or html/template
//	#! funcs agent|sprig
//	# comment
//	<template>         one case; the character U+23CE stands for a newline
package main

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"golang.org/x/crypto/sha3"
)

// NameData mirrors the struct context of naming/related templates (docs/compatibility.md#templates).
type NameData struct {
	Object      map[string]any
	ClusterName string
	ClusterPath string
}

type goldenCase struct {
	Template string          `json:"template"`
	Data     string          `json:"data"`
	Ctx      string          `json:"ctx"`
	Mode     string          `json:"mode"`
	Funcs    string          `json:"funcs"`
	Output   *string         `json:"output,omitempty"`
	Error    *string         `json:"error,omitempty"`
}

func sha3sum(s string) string {
	h := sha3.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func sha3short(s string, lengths ...int) (string, error) {
	if len(lengths) > 1 {
		return "", fmt.Errorf("sha3short: expected at most one length argument, got %d", len(lengths))
	}
	n := 20
	if len(lengths) == 1 {
		n = lengths[0]
		if n <= 0 {
			return "", fmt.Errorf("sha3short: invalid length %d", n)
		}
		if n > 64 {
			n = 64
		}
	}
	return sha3sum(s)[:n], nil
}

func shortHash(v any) string {
	var data []byte
	switch t := v.(type) {
	case string:
		data = []byte(t)
	case []byte:
		data = t
	default:
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(v); err != nil {
			panic(err)
		}
		data = buf.Bytes()
	}
	h := sha1.Sum(data)
	return hex.EncodeToString(h[:])[:20]
}

func funcMap(set string) map[string]any {
	m := map[string]any{}
	for k, v := range sprig.TxtFuncMap() {
		m[k] = v
	}
	if set == "agent" {
		m["sha3sum"] = sha3sum
		m["sha3short"] = sha3short
		m["shortHash"] = shortHash
	}
	return m
}

// decode parses JSON like Kubernetes' unstructured decoding: integers become int64, other numbers float64.
func decode(raw string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v), nil
}

func convert(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, x := range t {
			t[k] = convert(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = convert(x)
		}
		return t
	}
	return v
}

func dataFor(ctx string, raw string) (any, error) {
	v, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if ctx != "struct" {
		return v, nil
	}
	m, _ := v.(map[string]any)
	d := NameData{}
	if o, ok := m["Object"].(map[string]any); ok {
		d.Object = o
	}
	d.ClusterName, _ = m["ClusterName"].(string)
	d.ClusterPath, _ = m["ClusterPath"].(string)
	return d, nil
}

func render(c *goldenCase) {
	var out bytes.Buffer
	var err error
	data, derr := dataFor(c.Ctx, c.Data)
	if derr != nil {
		panic(fmt.Sprintf("bad data %s: %v", c.Data, derr))
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("PANIC: %v", r)
			}
		}()
		if c.Mode == "html" {
			t, perr := htmltemplate.New("inline").Funcs(funcMap(c.Funcs)).Parse(c.Template)
			if perr != nil {
				err = perr
				return
			}
			err = t.Execute(&out, data)
		} else {
			t, perr := template.New("inline").Funcs(funcMap(c.Funcs)).Parse(c.Template)
			if perr != nil {
				err = perr
				return
			}
			err = t.Execute(&out, data)
		}
	}()
	if err != nil {
		s := err.Error()
		c.Error = &s
		return
	}
	s := out.String()
	c.Output = &s
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: oracle-template <cases.txt> <golden.json>")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	data, ctx, mode, funcs := "{}", "map", "text", "agent"
	var cases []*goldenCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#! data "):
			data = strings.TrimPrefix(line, "#! data ")
		case strings.HasPrefix(line, "#! ctx "):
			ctx = strings.TrimPrefix(line, "#! ctx ")
		case strings.HasPrefix(line, "#! mode "):
			mode = strings.TrimPrefix(line, "#! mode ")
		case strings.HasPrefix(line, "#! funcs "):
			funcs = strings.TrimPrefix(line, "#! funcs ")
		case line == "" || strings.HasPrefix(line, "# "):
		default:
			c := &goldenCase{
				Template: strings.ReplaceAll(line, "\u23ce", "\n"),
				Data:     data,
				Ctx:      ctx, Mode: mode, Funcs: funcs,
			}
			render(c)
			cases = append(cases, c)
		}
	}
	if err := sc.Err(); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cases); err != nil {
		panic(err)
	}
	if err := os.WriteFile(os.Args[2], buf.Bytes(), 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("%d cases written to %s\n", len(cases), os.Args[2])
}
