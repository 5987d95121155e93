package main

import "regexp"

// regexCase: {pattern, input, replacement} -> ReplaceAllString result or the compile error.
func regexCase(c map[string]any) map[string]any {
	re, err := regexp.Compile(c["pattern"].(string))
	if err != nil {
		c["want"] = map[string]any{"error": err.Error()}
		return c
	}
	c["want"] = map[string]any{"out": re.ReplaceAllString(c["input"].(string), c["replacement"].(string))}
	return c
}
