package main

import "github.com/api-syncagent-ts/hack/oracle-paths/templating"

// relatedTemplateCase: {kind: object|label|rewrite, template, side?, value?, object?, local?,
// remote?, related?} -> templating.Render output or error, with the agent's context types.
func relatedTemplateCase(c map[string]any) map[string]any {
	obj := func(k string) map[string]any {
		if s, ok := c[k].(string); ok && s != "" {
			return decodeUnstructured(s)
		}
		return nil
	}
	side, _ := c["side"].(string)
	value, _ := c["value"].(string)
	data := templating.RelatedContext(c["kind"].(string), side, value, obj("object"), obj("local"), obj("remote"), obj("related"), "cluster-1", "root:org:ws")
	out, err := templating.Render(c["template"].(string), data)
	if err != nil {
		c["want"] = map[string]any{"error": err.Error()}
	} else {
		c["want"] = map[string]any{"out": out}
	}
	return c
}
