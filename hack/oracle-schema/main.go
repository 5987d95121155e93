// Command oracle-schema writes the golden files the TypeScript schema engine is tested against.
//
// It is our own small program, written from docs/compatibility.md#schemas (not from the Go agent's source):
// it reads each case under <testdata>/cases/<case>/ (crd.yaml plus pubres-*.yaml), reduces the CRD the way
// the agent does after fetching it, applies version selection and projection, hashes the projected spec with
// encoding/json, converts it with kcp's own CRDToAPIResourceSchema, and prints YAML with sigs.k8s.io/yaml
// like pubres-toolkit. It also converts <testdata>/yaml/*.json with sigs.k8s.io/yaml.JSONToYAML for the YAML
// printer tests.
package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	apisv1alpha1 "github.com/kcp-dev/sdk/apis/apis/v1alpha1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/version"
	"sigs.k8s.io/yaml"
)

// publishedResource holds the PublishedResource fields projection reads.
type publishedResource struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Resource struct {
			APIGroup string   `json:"apiGroup"`
			Kind     string   `json:"kind"`
			Version  string   `json:"version,omitempty"`
			Versions []string `json:"versions,omitempty"`
		} `json:"resource"`
		Projection *struct {
			Group      string            `json:"group,omitempty"`
			Version    string            `json:"version,omitempty"`
			Versions   map[string]string `json:"versions,omitempty"`
			Scope      string            `json:"scope,omitempty"`
			Kind       string            `json:"kind,omitempty"`
			Plural     string            `json:"plural,omitempty"`
			ShortNames []string          `json:"shortNames"`
			Categories []string          `json:"categories"`
		} `json:"projection,omitempty"`
	} `json:"spec"`
}

const toolkitAgentName = "pubres-toolkit"

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle-schema <testdata dir>")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir string) error {
	cases, err := filepath.Glob(filepath.Join(dir, "cases", "*", "crd.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(cases)
	for _, crdFile := range cases {
		caseDir := filepath.Dir(crdFile)
		if err := runCase(dir, caseDir); err != nil {
			return fmt.Errorf("%s: %w", caseDir, err)
		}
	}
	if err := runOpenAPI(dir); err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	yamlInputs, err := filepath.Glob(filepath.Join(dir, "yaml", "*.json"))
	if err != nil {
		return err
	}
	for _, in := range yamlInputs {
		data, err := os.ReadFile(in)
		if err != nil {
			return err
		}
		out, err := yaml.JSONToYAML(data)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		if err := os.WriteFile(strings.TrimSuffix(in, ".json")+".yaml", out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func runCase(dir, caseDir string) error {
	caseName := filepath.Base(caseDir)
	data, err := os.ReadFile(filepath.Join(caseDir, "crd.yaml"))
	if err != nil {
		return err
	}
	var original apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &original); err != nil {
		return err
	}
	source := reduceFetchedCRD(&original)

	outDir := filepath.Join(dir, "golden", caseName)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	unprojected, err := toolkitYAML(source)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, "source.yaml"), unprojected, 0o644); err != nil {
		return err
	}

	prFiles, err := filepath.Glob(filepath.Join(caseDir, "pubres-*.yaml"))
	if err != nil {
		return err
	}
	for _, prFile := range prFiles {
		prData, err := os.ReadFile(prFile)
		if err != nil {
			return err
		}
		var pr publishedResource
		if err := yaml.Unmarshal(prData, &pr); err != nil {
			return fmt.Errorf("%s: %w", prFile, err)
		}
		prName := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(prFile), "pubres-"), ".yaml")
		prefix := filepath.Join(outDir, prName)
		for _, stale := range []string{".error.txt", ".projected.yaml", ".ars-name.txt", ".hash-input.json", ".ars.yaml"} {
			_ = os.Remove(prefix + stale)
		}
		if err := writePRGoldens(prefix, source, &pr); err != nil {
			if werr := os.WriteFile(prefix+".error.txt", []byte(err.Error()+"\n"), 0o644); werr != nil {
				return werr
			}
		}
	}
	return nil
}

func writePRGoldens(prefix string, source *apiextensionsv1.CustomResourceDefinition, pr *publishedResource) error {
	projected, err := projectCRD(source, pr)
	if err != nil {
		return err
	}
	projectedYAML, err := toolkitYAML(projected)
	if err != nil {
		return err
	}
	hashInput, err := hashInput(projected)
	if err != nil {
		return err
	}
	sum := sha1.Sum(hashInput)
	name := fmt.Sprintf("v%s.%s.%s", hex.EncodeToString(sum[:])[:8], projected.Spec.Names.Plural, projected.Spec.Group)
	files := []struct {
		suffix  string
		content []byte
	}{{".projected.yaml", projectedYAML}, {".hash-input.json", hashInput}, {".ars-name.txt", []byte(name + "\n")}}
	for _, f := range files {
		if err := os.WriteFile(prefix+f.suffix, f.content, 0o644); err != nil {
			return err
		}
	}
	ars, err := buildARS(projected, name, toolkitAgentName)
	if err != nil {
		return err
	}
	arsYAML, err := toolkitYAML(ars)
	if err != nil {
		return err
	}
	if err := os.WriteFile(prefix+".ars.yaml", arsYAML, 0o644); err != nil {
		return err
	}
	return nil
}

// toolkitYAML is what pubres-toolkit prints: sigs.k8s.io/yaml output plus fmt.Println's newline.
func toolkitYAML(obj any) ([]byte, error) {
	out, err := yaml.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// reduceFetchedCRD applies what the agent does to a CRD it found on the service cluster
// (docs/compatibility.md#source-crd).
func reduceFetchedCRD(in *apiextensionsv1.CustomResourceDefinition) *apiextensionsv1.CustomResourceDefinition {
	crd := in.DeepCopy()
	nonStructural := false
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.NonStructuralSchema && c.Status == apiextensionsv1.ConditionTrue {
			nonStructural = true
		}
	}
	if nonStructural {
		for i := range crd.Spec.Versions {
			v := &crd.Spec.Versions[i]
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				preserve := true
				v.Schema = &apiextensionsv1.CustomResourceValidation{
					OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: &preserve},
				}
			}
		}
	}
	crd.APIVersion = "apiextensions.k8s.io/v1"
	crd.Kind = "CustomResourceDefinition"
	annotations := map[string]string{}
	if v, ok := in.Annotations["api-approved.kubernetes.io"]; ok {
		annotations["api-approved.kubernetes.io"] = v
	}
	crd.ObjectMeta = metav1.ObjectMeta{Name: in.Name, Generation: in.Generation, Annotations: annotations}
	crd.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{}
	crd.Spec.Conversion = &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.NoneConverter}
	return crd
}

// projectCRD implements version selection and projection (docs/compatibility.md#projection).
func projectCRD(in *apiextensionsv1.CustomResourceDefinition, pr *publishedResource) (*apiextensionsv1.CustomResourceDefinition, error) {
	crd := in.DeepCopy()
	src := pr.Spec.Resource
	if src.Version != "" && len(src.Versions) > 0 {
		return nil, errors.New("cannot configure both .version and .versions in as the source of a PublishedResource")
	}
	var kept []apiextensionsv1.CustomResourceDefinitionVersion
	for _, v := range crd.Spec.Versions {
		switch {
		case src.Version != "":
			if v.Name == src.Version {
				kept = append(kept, v)
			}
		case len(src.Versions) > 0:
			if slices.Contains(src.Versions, v.Name) {
				kept = append(kept, v)
			}
		default:
			kept = append(kept, v)
		}
	}
	crd.Spec.Versions = kept
	if len(kept) == 0 {
		switch {
		case src.Version != "":
			return nil, fmt.Errorf("CRD does not contain version %s", src.Version)
		case len(src.Versions) > 0:
			return nil, fmt.Errorf("CRD does not contain any of versions %v", src.Versions)
		default:
			return nil, errors.New("CRD contains no versions")
		}
	}

	latestServed, hasStorage := -1, false
	for i, v := range crd.Spec.Versions {
		if v.Served {
			latestServed = i
		}
		if v.Storage {
			hasStorage = true
		}
	}
	if latestServed < 0 {
		return nil, errors.New("no CRD version selected that is marked as served")
	}
	if !hasStorage {
		crd.Spec.Versions[latestServed].Storage = true
	}

	p := pr.Spec.Projection
	if p == nil {
		return crd, nil
	}
	if p.Version != "" {
		if n := len(crd.Spec.Versions); n != 1 {
			return nil, fmt.Errorf("cannot project CRD version to a single version %q because it contains %d versions", p.Version, n)
		}
		crd.Spec.Versions[0].Name = p.Version
	} else if len(p.Versions) > 0 {
		for i := range crd.Spec.Versions {
			if renamed := p.Versions[crd.Spec.Versions[i].Name]; renamed != "" {
				crd.Spec.Versions[i].Name = renamed
			}
		}
		seen := sets.New[string]()
		for _, v := range crd.Spec.Versions {
			if seen.Has(v.Name) {
				return nil, fmt.Errorf("CRD contains multiple entries for %s after applying mutation rules", v.Name)
			}
			seen.Insert(v.Name)
		}
		slices.SortFunc(crd.Spec.Versions, func(a, b apiextensionsv1.CustomResourceDefinitionVersion) int {
			return version.CompareKubeAwareVersionStrings(a.Name, b.Name)
		})
	}
	if p.Group != "" {
		crd.Spec.Group = p.Group
	}
	if p.Kind != "" {
		crd.Spec.Names.Kind = p.Kind
		crd.Spec.Names.ListKind = p.Kind + "List"
		crd.Spec.Names.Singular = strings.ToLower(p.Kind)
		crd.Spec.Names.Plural = crd.Spec.Names.Singular + "s"
	}
	if p.Plural != "" {
		crd.Spec.Names.Plural = p.Plural
	}
	if p.Scope != "" {
		crd.Spec.Scope = apiextensionsv1.ResourceScope(p.Scope)
	}
	if p.Categories != nil {
		crd.Spec.Names.Categories = p.Categories
	}
	if p.ShortNames != nil {
		crd.Spec.Names.ShortNames = p.ShortNames
	}
	crd.Name = crd.Spec.Names.Plural + "." + crd.Spec.Group
	return crd, nil
}

// hashInput is the json.Encoder output of the projected spec without conversion
// (docs/compatibility.md#schema-names).
func hashInput(crd *apiextensionsv1.CustomResourceDefinition) ([]byte, error) {
	spec := crd.Spec.DeepCopy()
	spec.Conversion = nil
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(spec); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// buildARS (docs/compatibility.md#apiresourceschema-object): kcp's conversion, then the agent's name,
// metadata and conversion strategy.
func buildARS(crd *apiextensionsv1.CustomResourceDefinition, name, agentName string) (*apisv1alpha1.APIResourceSchema, error) {
	converted, err := apisv1alpha1.CRDToAPIResourceSchema(crd, "irrelevant")
	if err != nil {
		return nil, fmt.Errorf("failed to convert CRD: %w", err)
	}
	ars := &apisv1alpha1.APIResourceSchema{}
	ars.APIVersion = "apis.kcp.io/v1alpha1"
	ars.Kind = "APIResourceSchema"
	ars.Name = name
	ars.Annotations = map[string]string{
		"syncagent.kcp.io/source-generation": fmt.Sprintf("%d", crd.Generation),
		"syncagent.kcp.io/agent-name":        agentName,
	}
	ars.Labels = map[string]string{"syncagent.kcp.io/agent-name": agentName}
	ars.Spec.Group = converted.Spec.Group
	ars.Spec.Names = converted.Spec.Names
	ars.Spec.Scope = converted.Spec.Scope
	ars.Spec.Versions = converted.Spec.Versions
	if len(converted.Spec.Versions) > 1 {
		ars.Spec.Conversion = &apisv1alpha1.CustomResourceConversion{Strategy: "None"}
	}
	return ars, nil
}
