package spec

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed openapi/openapi.json
var openAPIDocument []byte

// documentURL names the embedded document inside the schema compiler; every
// compiled location is a fragment of it. Nothing is ever fetched from it.
const documentURL = "https://discord.com/developers/openapi.json"

// Validator checks requests against Discord's OpenAPI description. It is safe
// for concurrent use: the route table is built once and never changed, and
// each operation's schema is compiled at most once, on first use, under
// compileMu (the jsonschema compiler itself is not safe for concurrent use;
// compiled schemas are read-only and are).
type Validator struct {
	routes map[string][]*operation // by upper-case HTTP method

	compileMu sync.Mutex
	compiler  *jsonschema.Compiler
}

// Load parses the embedded OpenAPI document and builds the route table.
// Request body schemas are compiled lazily, per operation, so Load costs only
// the JSON parse of the 1.2 MB document; compiling all ~110 request bodies up
// front would add about four times that again.
func Load() (*Validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDocument))
	if err != nil {
		return nil, fmt.Errorf("spec: parse embedded openapi.json: %w", err)
	}
	if root, ok := doc.(map[string]any); ok {
		prepareSpec(root)
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	if err := compiler.AddResource(documentURL, doc); err != nil {
		return nil, fmt.Errorf("spec: register openapi.json as a schema resource: %w", err)
	}
	routes, err := buildRoutes(doc)
	if err != nil {
		return nil, fmt.Errorf("spec: read paths of openapi.json: %w", err)
	}
	return &Validator{routes: routes, compiler: compiler}, nil
}

// defaultValidator is the only package-level state. It exists because the
// embedded spec is immutable and a *Validator is safe for concurrent use, so
// every emulator in a test binary can share one instead of each paying for the
// parse and the schema compilation again.
var defaultValidator = sync.OnceValues(Load)

// Default returns a Validator shared by the whole process, loaded on first
// call. Prefer it over Load wherever more than one emulator may start.
func Default() (*Validator, error) {
	return defaultValidator()
}
