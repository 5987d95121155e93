package main

import (
	"fmt"
	"strings"

	"github.com/api-syncagent-ts/hack/oracle-paths/templating"
)

// namingCase: {naming: {name, namespace}, object, clusterName, clusterPath} -> the local name and
// namespace the agent computes (GenerateLocalObjectName), or the error text.
func namingCase(c map[string]any) map[string]any {
	naming, _ := c["naming"].(map[string]any)
	namePattern, _ := naming["name"].(string)
	nsPattern, _ := naming["namespace"].(string)
	if nsPattern == "" {
		nsPattern = "{{ .ClusterName }}"
	}
	if namePattern == "" {
		namePattern = "{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }}"
	}
	obj := decodeUnstructured(c["object"].(string))
	cluster, _ := c["clusterName"].(string)
	path, _ := c["clusterPath"].(string)
	render := func(pattern string) (string, error) {
		if strings.Contains(pattern, "{{") {
			return templating.Render(pattern, templating.NamingContext(obj, cluster, path))
		}
		md, _ := obj["metadata"].(map[string]any)
		ns, _ := md["namespace"].(string)
		name, _ := md["name"].(string)
		return strings.NewReplacer(
			"$remoteClusterName", cluster,
			"$remoteNamespaceHash", templating.ShortHash(ns),
			"$remoteNamespace", ns,
			"$remoteNameHash", templating.ShortHash(name),
			"$remoteName", name,
		).Replace(pattern), nil
	}
	ns, err := render(nsPattern)
	if err != nil {
		c["want"] = map[string]any{"error": fmt.Sprintf("invalid namespace naming: %v", err)}
		return c
	}
	name, err := render(namePattern)
	if err != nil {
		c["want"] = map[string]any{"error": fmt.Sprintf("invalid name naming: %v", err)}
		return c
	}
	c["want"] = map[string]any{"namespace": ns, "name": name}
	return c
}
