// crdcheck: the kube-apiserver's own CRD checks, offline. Validates CRDs with k8s.io/apiextensions-apiserver
// (structural schema, CEL compilation and cost budget) and evaluates objects against OpenAPI schema + CEL
// exactly as the apiserver does on create. Driven by replay.ts next to it. Usage:
//   crdcheck crds/*.yaml            -> validate CRDs
//   crdcheck -objects crds/*.yaml < objects.jsonl   (each line {"id":..,"object":{..}}) -> one JSON line per object with errors
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

type kindInfo struct {
	structural *structuralschema.Structural
	celv       *cel.Validator
	schemaV    apiservervalidation.SchemaValidator
}

func main() {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	objects := false
	files := []string{}
	for _, a := range os.Args[1:] {
		if a == "-objects" {
			objects = true
		} else {
			files = append(files, a)
		}
	}
	kinds := map[string]*kindInfo{}
	failed := false
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		v1crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, v1crd); err != nil {
			fmt.Printf("%s: decode: %v\n", f, err)
			failed = true
			continue
		}
		scheme.Default(v1crd)
		internal := &apiextensions.CustomResourceDefinition{}
		if err := scheme.Convert(v1crd, internal, nil); err != nil {
			panic(err)
		}
		errs := crdvalidation.ValidateCustomResourceDefinition(context.TODO(), internal)
		if len(errs) > 0 {
			failed = true
			for _, e := range errs {
				fmt.Printf("%s: %v\n", f, e)
			}
			continue
		}
		if !objects {
			fmt.Printf("%s: ok\n", f)
		}
		var props *apiextensions.JSONSchemaProps
		if internal.Spec.Validation != nil {
			props = internal.Spec.Validation.OpenAPIV3Schema
		} else {
			props = internal.Spec.Versions[0].Schema.OpenAPIV3Schema
		}
		s, err := structuralschema.NewStructural(props)
		if err != nil {
			panic(err)
		}
		sv, _, err := apiservervalidation.NewSchemaValidator(props)
		if err != nil {
			panic(err)
		}
		kinds[internal.Spec.Names.Kind] = &kindInfo{s, cel.NewValidator(s, true, celconfig.PerCallLimit), sv}
	}
	if !objects {
		if failed {
			os.Exit(1)
		}
		return
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 16<<20), 16<<20)
	out := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var line struct {
			ID     string                 `json:"id"`
			Object map[string]interface{} `json:"object"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			panic(err)
		}
		kind, _ := line.Object["kind"].(string)
		ki := kinds[kind]
		res := map[string]interface{}{"id": line.ID}
		if ki == nil {
			res["errors"] = []string{"unknown kind " + kind}
			out.Encode(res)
			continue
		}
		var all field.ErrorList
		all = append(all, apiservervalidation.ValidateCustomResource(nil, line.Object, ki.schemaV)...)
		celErrs, _ := ki.celv.Validate(context.TODO(), nil, ki.structural, line.Object, nil, celconfig.RuntimeCELCostBudget)
		all = append(all, celErrs...)
		msgs := []string{}
		for _, e := range all {
			msgs = append(msgs, e.Error())
		}
		res["errors"] = msgs
		out.Encode(res)
	}
}
