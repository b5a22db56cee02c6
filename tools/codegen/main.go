// Command codegen writes the calendly package's SDKs from its schema, with the code generators of
// the Pulumi CLI's own module (github.com/pulumi/pulumi/pkg/v3, pinned in go.mod at the CLI's
// version). `pulumi package gen-sdk` would ask a language host to run the same generators, but the
// hosts that can be built from the Go module proxy (sdk/v3 <= v3.68.0) do not implement
// GeneratePackage, so this program calls them directly. `npm run codegen` runs it (run.ts).
//
//	go run . -schema ../../packages/pulumi-calendly/schema.json -out ../../sdk
//
// writes sdk/nodejs, sdk/python and sdk/go/calendly, each emptied first so that nothing stale
// survives, and sdk/go/calendly/go.mod (the Go generator writes none for a package that does not
// support packing).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in each generated file's warning header.
const tool = "calendly-codegen (tools/codegen)"

// pulumiSDKVersion is the github.com/pulumi/pulumi/sdk/v3 the Go SDK's go.mod requires: the CLI's.
const pulumiSDKVersion = "v3.276.0"

// noReferences refuses every package: the calendly schema references no other package.
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the calendly schema references no package, but %q was asked for", pkg)
}

func (noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the calendly schema references no package, but %q was asked for", d.Name)
}

func (noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the calendly schema references no package, but %q was asked for", pkg)
}

func (noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the calendly schema references no package, but %q was asked for", d.Name)
}

// bind reads and binds the schema; a fresh bind per language, as each generator annotates the package.
func bind(schemaPath string) (*schema.Package, error) {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not bind:\n%s", schemaPath, diags.Error())
	}
	return pkg, nil
}

// write empties dir, then writes files (paths relative to it).
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "codegen: %d files in %s\n", len(files), dir)
	return nil
}

// under moves the files under prefix to the top; the others (the generator's .gitattributes) stay
// at the top too, so that they land in the module's folder.
func under(files map[string][]byte, prefix string) map[string][]byte {
	kept := map[string][]byte{}
	for name, text := range files {
		kept[strings.TrimPrefix(name, prefix)] = text
	}
	return kept
}

// pkgName is the Python package's folder: the schema's language.python.packageName.
func pkgName(pkg *schema.Package) string {
	if info, ok := pkg.Language["python"].(python.PackageInfo); ok && info.PackageName != "" {
		return info.PackageName
	}
	return python.PyPack(pkg.Namespace, pkg.Name)
}

func generate(language, schemaPath, out string) error {
	pkg, err := bind(schemaPath)
	if err != nil {
		return err
	}
	loader := noReferences{}
	switch language {
	case "nodejs":
		files, err := nodejs.GeneratePackage(tool, pkg, nil, nil, false, loader)
		if err != nil {
			return err
		}
		return write(filepath.Join(out, "nodejs"), files)
	case "python":
		files, err := python.GeneratePackage(tool, pkg, nil, loader)
		if err != nil {
			return err
		}
		// pyproject.toml names README.md at the distribution's root as its long description, and
		// the generator writes the README only into the package; Pulumi's providers copy it up in
		// their Makefiles before building, so `pip install sdk/python` works from the folder as it is.
		readme, ok := files[filepath.Join(pkgName(pkg), "README.md")]
		if !ok {
			return errors.New("the Python generator wrote no README.md into the package")
		}
		files["README.md"] = readme
		return write(filepath.Join(out, "python"), files)
	case "go":
		files, err := gogen.GeneratePackage(tool, pkg, nil)
		if err != nil {
			return err
		}
		// The package's files are under calendly/; that folder is the Go module.
		files = under(files, pkg.Name+"/")
		info, _ := pkg.Language["go"].(gogen.GoPackageInfo)
		if info.ImportBasePath == "" {
			return errors.New("the schema's language.go.importBasePath is empty")
		}
		files["go.mod"] = []byte(fmt.Sprintf(
			"// The calendly provider's Go SDK, generated by %s: `npm run codegen`.\n"+
				"module %s\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n",
			tool, info.ImportBasePath, pulumiSDKVersion))
		return write(filepath.Join(out, "go", pkg.Name), files)
	default:
		return fmt.Errorf("unknown language %q (nodejs, python, go)", language)
	}
}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (schema.json)")
	out := flag.String("out", "", "the folder to write <language>/ into")
	languages := flag.String("languages", "nodejs,python,go", "comma-separated: nodejs, python, go")
	flag.Parse()
	if *schemaPath == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	for _, language := range strings.Split(*languages, ",") {
		if err := generate(strings.TrimSpace(language), *schemaPath, *out); err != nil {
			fmt.Fprintf(os.Stderr, "codegen: %s: %v\n", language, err)
			os.Exit(1)
		}
	}
}
