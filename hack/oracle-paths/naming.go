package main

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

func shortHash(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])[:20]
}

// legacyNamingCase: {pattern, clusterName, namespace, name} -> the agent's strings.NewReplacer result
// for legacy $variable naming patterns (docs/compatibility.md#naming).
func legacyNamingCase(c map[string]any) map[string]any {
	ns, name := c["namespace"].(string), c["name"].(string)
	r := strings.NewReplacer(
		"$remoteClusterName", c["clusterName"].(string),
		"$remoteNamespaceHash", shortHash(ns),
		"$remoteNamespace", ns,
		"$remoteNameHash", shortHash(name),
		"$remoteName", name,
	)
	c["want"] = map[string]any{"out": r.Replace(c["pattern"].(string))}
	return c
}
