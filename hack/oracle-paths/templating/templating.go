// Package templating renders naming templates the way the Go agent does (docs/compatibility.md#templates);
// the package and type names match the agent's so that Go's error messages name the same types.
package templating

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha3"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/api-syncagent-ts/hack/oracle-paths/v1alpha1"
)

type localObjectNamingContext struct {
	Object      map[string]any
	ClusterName string
	ClusterPath string
}

// NamingContext is the data of spec.naming templates.
func NamingContext(object map[string]any, clusterName, clusterPath string) any {
	return localObjectNamingContext{Object: object, ClusterName: clusterName, ClusterPath: clusterPath}
}

// Render parses, executes and trims like the agent's templating.Render.
func Render(tpl string, data any) (string, error) {
	parsed, err := template.New("inline").Funcs(funcMap()).Parse(tpl)
	if err != nil {
		return "", fmt.Errorf("failed to parse: %w", err)
	}
	var buf bytes.Buffer
	if err := parsed.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("failed to evaluate: %w", err)
	}
	return strings.TrimSpace(buf.String()), nil
}

func funcMap() template.FuncMap {
	funcs := sprig.TxtFuncMap()
	funcs["sha3sum"] = sha3sum
	funcs["sha3short"] = sha3short
	funcs["shortHash"] = ShortHash
	return funcs
}

func sha3sum(input string) string {
	h := sha3.Sum256([]byte(input))
	return hex.EncodeToString(h[:])
}

func sha3short(input string, lengths ...int) (string, error) {
	length := 20
	switch len(lengths) {
	case 0:
	case 1:
		length = lengths[0]
	default:
		return "", fmt.Errorf("sha3short: expected at most one length argument, got %d", len(lengths))
	}
	if length <= 0 {
		return "", fmt.Errorf("sha3short: invalid length %d", length)
	}
	h := sha3sum(input)
	if length > len(h) {
		length = len(h)
	}
	return h[:length], nil
}

// ShortHash is the agent's shortHash template function: SHA-1 of a string, of bytes, or of the JSON encoding.
func ShortHash(v any) string {
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

type relatedObjectContext struct {
	Side        v1alpha1.RelatedResourceOrigin
	Object      map[string]any
	ClusterName string
	ClusterPath string
}

type relatedObjectLabelContext struct {
	LocalObject  map[string]any
	RemoteObject map[string]any
	ClusterName  string
	ClusterPath  string
}

type relatedObjectLabelRewriteContext struct {
	Value         string
	RelatedObject map[string]any
	LocalObject   map[string]any
	RemoteObject  map[string]any
	ClusterName   string
	ClusterPath   string
}

// RelatedContext builds the data of the related-object templates.
func RelatedContext(kind, side, value string, object, local, remote, related map[string]any, cluster, path string) any {
	switch kind {
	case "object":
		return relatedObjectContext{Side: v1alpha1.RelatedResourceOrigin(side), Object: object, ClusterName: cluster, ClusterPath: path}
	case "label":
		return relatedObjectLabelContext{LocalObject: local, RemoteObject: remote, ClusterName: cluster, ClusterPath: path}
	default:
		return relatedObjectLabelRewriteContext{Value: value, RelatedObject: related, LocalObject: local, RemoteObject: remote, ClusterName: cluster, ClusterPath: path}
	}
}
