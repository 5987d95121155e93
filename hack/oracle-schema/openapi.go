package main

// The OpenAPI fallback for types without a CRD (docs/compatibility.md#source-crd; our own code), over
// fixtures captured from a real kube-apiserver:
// <testdata>/openapi/{discovery.json,openapi-v2.json,kinds.txt}.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/kube-openapi/pkg/util/proto"
)

type discoveryFixture struct {
	Groups        []metav1.APIGroup        `json:"groups"`
	ResourceLists []metav1.APIResourceList `json:"resourceLists"`
}

func runOpenAPI(dir string) error {
	base := filepath.Join(dir, "openapi")
	discData, err := os.ReadFile(filepath.Join(base, "discovery.json"))
	if err != nil {
		return err
	}
	var disc discoveryFixture
	if err := json.Unmarshal(discData, &disc); err != nil {
		return err
	}
	docData, err := os.ReadFile(filepath.Join(base, "openapi-v2.json"))
	if err != nil {
		return err
	}
	doc, err := openapi_v2.ParseDocument(docData)
	if err != nil {
		return err
	}
	models, err := proto.NewOpenAPIData(doc)
	if err != nil {
		return err
	}
	byGVK := modelsByGVK(models)
	kinds, err := os.ReadFile(filepath.Join(base, "kinds.txt"))
	if err != nil {
		return err
	}
	outDir := filepath.Join(dir, "golden", "openapi")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(kinds)), "\n") {
		fields := strings.Fields(line)
		group := fields[0]
		if group == "core" {
			group = ""
		}
		gk := schema.GroupKind{Group: group, Kind: fields[1]}
		crd, err := crdFromOpenAPI(&disc, byGVK, gk)
		if err != nil {
			return fmt.Errorf("%v: %w", gk, err)
		}
		prefix := filepath.Join(outDir, fields[1])
		crdYAML, err := toolkitYAML(crd)
		if err != nil {
			return err
		}
		if err := os.WriteFile(prefix+".source.yaml", crdYAML, 0o644); err != nil {
			return err
		}
		// pubres-toolkit crd --ars with a PublishedResource that selects nothing and projects nothing
		if err := writePRGoldens(prefix, crd, &publishedResource{}); err != nil {
			return fmt.Errorf("%v: %w", gk, err)
		}
	}
	return nil
}

func crdFromOpenAPI(disc *discoveryFixture, byGVK map[schema.GroupVersionKind]proto.Schema, gk schema.GroupKind) (*apiextensionsv1.CustomResourceDefinition, error) {
	var resource *metav1.APIResource
	versions := sets.New[string]()
	subresources := map[string]sets.Set[string]{}
	for _, list := range disc.ResourceLists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			return nil, err
		}
		if gv.Group != gk.Group {
			continue
		}
		for i := range list.APIResources {
			res := list.APIResources[i]
			if res.Kind != gk.Kind {
				continue
			}
			if name, sub, found := strings.Cut(res.Name, "/"); found {
				_ = name
				if subresources[gv.Version] == nil {
					subresources[gv.Version] = sets.New[string]()
				}
				subresources[gv.Version].Insert(sub)
			} else {
				resource = &res
			}
			versions.Insert(gv.Version)
		}
	}
	if resource == nil {
		return nil, fmt.Errorf("could not find %v in APIs", gk)
	}
	preferred := preferredVersion(disc, gk.Group, resource.Name)
	if preferred == "" {
		return nil, fmt.Errorf("cannot determine storage version because no preferred version exists in the schema")
	}
	scope := apiextensionsv1.ClusterScoped
	if resource.Namespaced {
		scope = apiextensionsv1.NamespaceScoped
	}
	group := gk.Group
	crdName := resource.Name + "." + group
	if group == "" {
		crdName = resource.Name + ".core"
	}
	out := &apiextensionsv1.CustomResourceDefinition{
		TypeMeta:   metav1.TypeMeta{Kind: "CustomResourceDefinition", APIVersion: "apiextensions.k8s.io/v1"},
		ObjectMeta: metav1.ObjectMeta{Name: crdName},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group:    group,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{},
			Scope:    scope,
			Names: apiextensionsv1.CustomResourceDefinitionNames{
				Plural: resource.Name, Kind: gk.Kind, Categories: resource.Categories,
				ShortNames: resource.ShortNames, Singular: resource.SingularName,
			},
		},
	}
	sorted := versions.UnsortedList()
	slices.SortFunc(sorted, version.CompareKubeAwareVersionStrings)
	for _, v := range sorted {
		gvk := schema.GroupVersionKind{Group: group, Version: v, Kind: gk.Kind}
		model := byGVK[gvk]
		if model == nil {
			return nil, fmt.Errorf("no models for %v", gvk)
		}
		var props apiextensionsv1.JSONSchemaProps
		if errs := Convert(model, &props); len(errs) > 0 {
			return nil, utilerrors.NewAggregate(errs)
		}
		subs := &apiextensionsv1.CustomResourceSubresources{}
		if subresources[v].Has("status") {
			subs.Status = &apiextensionsv1.CustomResourceSubresourceStatus{}
		}
		if subresources[v].Has("scale") {
			subs.Scale = &apiextensionsv1.CustomResourceSubresourceScale{SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas"}
		}
		out.Spec.Versions = append(out.Spec.Versions, apiextensionsv1.CustomResourceDefinitionVersion{
			Name: v, Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &props},
			Subresources: subs, Served: true, Storage: v == preferred,
		})
	}
	apiextensionsv1.SetDefaults_CustomResourceDefinition(out)
	if apihelpers.IsProtectedCommunityGroup(group) {
		out.Annotations = map[string]string{"api-approved.kubernetes.io": "https://github.com/kcp-dev/kubernetes/pull/4"}
	}
	return out, nil
}

// preferredVersion is client-go's ServerPreferredResources choice for one group/resource.
func preferredVersion(disc *discoveryFixture, group, resource string) string {
	selected := ""
	for _, g := range disc.Groups {
		if g.Name != group {
			continue
		}
		for _, v := range g.Versions {
			for _, list := range disc.ResourceLists {
				if list.GroupVersion != v.GroupVersion {
					continue
				}
				for _, r := range list.APIResources {
					if r.Name == resource && (selected == "" || v.Version == g.PreferredVersion.Version) {
						selected = v.Version
					}
				}
			}
		}
	}
	return selected
}

// modelsByGVK indexes the models by their x-kubernetes-group-version-kind extension like kcp's
// apiserver fork (GetModelsByGKV): group "core" means "", entries without string fields are skipped,
// later models (in name order) win.
func modelsByGVK(models proto.Models) map[schema.GroupVersionKind]proto.Schema {
	result := map[schema.GroupVersionKind]proto.Schema{}
	for _, name := range models.ListModels() {
		model := models.LookupModel(name)
		list, _ := model.GetExtensions()["x-kubernetes-group-version-kind"].([]interface{})
		for _, item := range list {
			m := map[string]interface{}{}
			switch t := item.(type) {
			case map[interface{}]interface{}:
				for k, v := range t {
					if ks, ok := k.(string); ok {
						m[ks] = v
					}
				}
			case map[string]interface{}:
				m = t
			default:
				continue
			}
			g, ok1 := m["group"].(string)
			v, ok2 := m["version"].(string)
			k, ok3 := m["kind"].(string)
			if !ok1 || !ok2 || !ok3 || k == "" {
				continue
			}
			if g == "core" {
				g = ""
			}
			result[schema.GroupVersionKind{Group: g, Version: v, Kind: k}] = model
		}
	}
	return result
}
