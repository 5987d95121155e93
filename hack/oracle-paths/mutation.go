package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/decls"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/api-syncagent-ts/hack/oracle-paths/transformer"
)

// decodeUnstructured decodes an object like Kubernetes' unstructured JSON decoding: integral
// numbers become int64, others float64.
func decodeUnstructured(s string) map[string]any {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return convertNumbers(v).(map[string]any)
}

func convertNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = convertNumbers(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = convertNumbers(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// decodeObject is the agent's DecodeObject: plain json.Unmarshal (float64 numbers).
func decodeObject(s string) (map[string]any, error) {
	v := map[string]any{}
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

type step func(obj, other map[string]any) (map[string]any, error)

func encode(v map[string]any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func newDelete(path string) step {
	return func(obj, _ map[string]any) (map[string]any, error) {
		out, err := sjson.Delete(encode(obj), path)
		if err != nil {
			return nil, fmt.Errorf("failed to delete value @ %s: %w", path, err)
		}
		return decodeObject(out)
	}
}

func newRegex(path, pattern, replacement string) (step, error) {
	var expr *regexp.Regexp
	if pattern != "" {
		var err error
		if expr, err = regexp.Compile(pattern); err != nil {
			return nil, fmt.Errorf("invalid pattern %q: %w", pattern, err)
		}
	}
	return func(obj, _ map[string]any) (map[string]any, error) {
		doc := encode(obj)
		var out string
		var err error
		if expr == nil {
			out, err = sjson.Set(doc, path, replacement)
		} else {
			out, err = sjson.Set(doc, path, expr.ReplaceAllString(gjson.Get(doc, path).String(), replacement))
		}
		if err != nil {
			return nil, err
		}
		return decodeObject(out)
	}, nil
}

func newCEL(path, expression string) (step, error) {
	env, err := cel.NewEnv(cel.VariableDecls(
		decls.NewVariable("self", cel.DynType),
		decls.NewVariable("other", cel.DynType),
		decls.NewVariable("value", cel.DynType),
	))
	if err != nil {
		return nil, fmt.Errorf("failed to create CEL env: %w", err)
	}
	ast, issues := env.Compile(expression)
	if issues != nil && issues.Err() != nil {
		return nil, fmt.Errorf("failed to compile CEL expression: %w", issues.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		return nil, fmt.Errorf("failed to create CEL program: %w", err)
	}
	return func(obj, other map[string]any) (map[string]any, error) {
		doc := encode(obj)
		input := map[string]any{"value": gjson.Get(doc, path).Value(), "self": obj, "other": nil}
		if other != nil {
			input["other"] = other
		}
		out, _, err := prg.Eval(input)
		if err != nil {
			return nil, fmt.Errorf("failed to evaluate CEL expression: %w", err)
		}
		updated, err := sjson.Set(doc, path, out)
		if err != nil {
			return nil, fmt.Errorf("failed to set updated value: %w", err)
		}
		return decodeObject(updated)
	}, nil
}

func newTemplate(path, text string) (step, error) {
	tpl, err := transformer.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("failed to parse template %q: %w", text, err)
	}
	return func(obj, other map[string]any) (map[string]any, error) {
		doc := encode(obj)
		out, err := transformer.Execute(tpl, gjson.Get(doc, path), obj, other)
		if err != nil {
			return nil, fmt.Errorf("failed to execute template: %w", err)
		}
		updated, err := sjson.Set(doc, path, strings.TrimSpace(out))
		if err != nil {
			return nil, fmt.Errorf("failed to set updated value: %w", err)
		}
		return decodeObject(updated)
	}, nil
}

func buildSteps(list []any) ([]step, error) {
	var steps []step
	for _, raw := range list {
		m := raw.(map[string]any)
		var s step
		var err error
		switch {
		case m["delete"] != nil:
			s = newDelete(m["delete"].(map[string]any)["path"].(string))
		case m["regex"] != nil:
			r := m["regex"].(map[string]any)
			pattern, _ := r["pattern"].(string)
			replacement, _ := r["replacement"].(string)
			s, err = newRegex(r["path"].(string), pattern, replacement)
		case m["template"] != nil:
			r := m["template"].(map[string]any)
			s, err = newTemplate(r["path"].(string), r["template"].(string))
		case m["cel"] != nil:
			r := m["cel"].(map[string]any)
			s, err = newCEL(r["path"].(string), r["expression"].(string))
		default:
			err = errors.New("no valid mutation mechanism provided")
		}
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	return steps, nil
}

func applyCase(c map[string]any, list []any) map[string]any {
	steps, err := buildSteps(list)
	if err != nil {
		c["want"] = map[string]any{"buildError": err.Error()}
		return c
	}
	obj := decodeUnstructured(c["object"].(string))
	var other map[string]any
	if o, ok := c["other"].(string); ok && o != "" {
		other = decodeUnstructured(o)
	}
	for _, s := range steps {
		if obj, err = s(obj, other); err != nil {
			c["want"] = map[string]any{"error": err.Error()}
			return c
		}
	}
	c["want"] = map[string]any{"object": encode(obj)}
	return c
}

// celCase: {object, other?, path, expression} -> one cel step.
func celCase(c map[string]any) map[string]any {
	return applyCase(c, []any{map[string]any{"cel": map[string]any{"path": c["path"], "expression": c["expression"]}}})
}

// mutationCase: {object, other?, steps: [...]} -> the mutated object or the error.
func mutationCase(c map[string]any) map[string]any {
	return applyCase(c, c["steps"].([]any))
}
