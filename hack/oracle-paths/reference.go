package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// referenceCase: {object, path, regex?: {pattern, replacement}} -> the values a related-object
// reference yields (gjson on the Go-JSON, array elements' String(), TrimSpace, regex).
func referenceCase(c map[string]any) map[string]any {
	doc := encode(decodeUnstructured(c["object"].(string)))
	result := gjson.Get(doc, c["path"].(string))
	values := []string{}
	if result.Exists() {
		if result.IsArray() {
			for _, elem := range result.Array() {
				values = append(values, strings.TrimSpace(elem.String()))
			}
		} else {
			values = append(values, strings.TrimSpace(result.String()))
		}
	}
	if re, ok := c["regex"].(map[string]any); ok {
		pattern, _ := re["pattern"].(string)
		replacement, _ := re["replacement"].(string)
		for i, v := range values {
			if pattern == "" {
				values[i] = replacement
				continue
			}
			expr, err := regexp.Compile(pattern)
			if err != nil {
				c["want"] = map[string]any{"error": fmt.Sprintf("invalid pattern %q: %v", pattern, err)}
				return c
			}
			values[i] = expr.ReplaceAllString(v, replacement)
		}
	}
	c["want"] = map[string]any{"values": values}
	return c
}
