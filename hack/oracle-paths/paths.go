package main

import (
	"encoding/json"
	"strconv"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// gjsonCase: {json, path} -> the Result as seen through its accessors.
func gjsonCase(c map[string]any) map[string]any {
	res := gjson.Get(c["json"].(string), c["path"].(string))
	value, err := json.Marshal(res.Value())
	if err != nil {
		value = []byte("ERR " + err.Error())
	}
	c["want"] = map[string]any{
		"exists": res.Exists(),
		"type":   res.Type.String(),
		"raw":    res.Raw,
		"string": res.String(),
		"int":    strconv.FormatInt(res.Int(), 10),
		"float":  strconv.FormatFloat(res.Float(), 'g', -1, 64),
		"bool":   res.Bool(),
		"value":  string(value),
	}
	return c
}

// normalize decodes JSON text the way the agent does (map[string]any, float64 numbers) and
// re-encodes it, so the golden holds what the agent would continue with.
func normalize(s string) (string, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// sjsonCase: {json, path, op: set|setRaw|delete, value} -> normalized JSON or the error text.
func sjsonCase(c map[string]any) map[string]any {
	doc, path := c["json"].(string), c["path"].(string)
	var out string
	var err error
	switch c["op"] {
	case "set":
		out, err = sjson.Set(doc, path, c["value"].(string))
	case "setRaw":
		out, err = sjson.SetRaw(doc, path, c["value"].(string))
	case "delete":
		out, err = sjson.Delete(doc, path)
	default:
		panic("unknown op")
	}
	if err != nil {
		c["want"] = map[string]any{"error": err.Error()}
		return c
	}
	n, nerr := normalize(out)
	if nerr != nil {
		c["want"] = map[string]any{"invalid": out}
		return c
	}
	c["want"] = map[string]any{"json": n}
	return c
}
