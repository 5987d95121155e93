// Package transformer holds the template mutation step, in a package named like the agent's so that
// Go's error messages name the same context type (transformer.templateMutationContext).
package transformer

import (
	"bytes"
	"html/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/tidwall/gjson"
)

type templateMutationContext struct {
	Value        gjson.Result
	LocalObject  map[string]any
	RemoteObject map[string]any
}

// Parse compiles a template mutation like the agent (html/template, sprig only, name "mutation").
func Parse(text string) (*template.Template, error) {
	return template.New("mutation").Funcs(sprig.TxtFuncMap()).Parse(text)
}

// Execute runs it with the agent's context.
func Execute(tpl *template.Template, value gjson.Result, local, remote map[string]any) (string, error) {
	var buf bytes.Buffer
	err := tpl.Execute(&buf, templateMutationContext{Value: value, LocalObject: local, RemoteObject: remote})
	return buf.String(), err
}
