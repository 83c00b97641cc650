package spec

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Route is what a request path resolved to in the spec.
type Route struct {
	Method      string            // upper case, as in the request
	Template    string            // the spec's path, e.g. /channels/{channel_id}/messages
	Params      map[string]string // path parameters by name, e.g. channel_id -> "123"
	OperationID string            // the spec's operationId, e.g. create_message
}

// operation is one method on one spec path, with its request body schemas
// compiled on first use.
type operation struct {
	method      string
	template    string
	segments    []string // template split on "/", params kept as "{name}"
	operationID string
	// bodies maps a media type (application/json, multipart/form-data) to the
	// schema location of its request body; empty when the spec gives no body.
	bodies map[string]string

	compileOnce sync.Once
	schemas     map[string]*jsonschema.Schema
	compileErr  error
}

var apiPrefix = regexp.MustCompile(`^/api(/v[0-9]+)?(/|$)`)

// Match resolves method and path (with or without the /api/vN prefix and
// query string) to the spec's operation. Literal segments win over parameters,
// so /guilds/1/members/@me is the @me operation, not {user_id}. It reports
// false for a path or method the spec does not describe.
func (v *Validator) Match(method, path string) (Route, bool) {
	op, params, ok := v.lookup(method, path)
	if !ok {
		return Route{}, false
	}
	return Route{Method: method, Template: op.template, Params: params, OperationID: op.operationID}, true
}

func (v *Validator) lookup(method, path string) (*operation, map[string]string, bool) {
	path, _, _ = strings.Cut(path, "?")
	if loc := apiPrefix.FindStringIndex(path); loc != nil {
		path = "/" + path[loc[1]:]
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	segs := strings.Split(path, "/")
	var best *operation
	for _, op := range v.routes[strings.ToUpper(method)] {
		if matches(op.segments, segs) && (best == nil || moreSpecific(op.segments, best.segments)) {
			best = op
		}
	}
	if best == nil {
		return nil, nil, false
	}
	params := make(map[string]string)
	for i, s := range best.segments {
		if name, ok := paramName(s); ok {
			params[name] = unescapeSegment(segs[i])
		}
	}
	return best, params, true
}

func matches(template, segs []string) bool {
	if len(template) != len(segs) {
		return false
	}
	for i, t := range template {
		if _, ok := paramName(t); ok {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if t != segs[i] {
			return false
		}
	}
	return true
}

// moreSpecific reports whether a beats b at the first segment where one is a
// literal and the other a parameter.
func moreSpecific(a, b []string) bool {
	for i := range a {
		_, aParam := paramName(a[i])
		_, bParam := paramName(b[i])
		if aParam != bParam {
			return !aParam
		}
	}
	return false
}

func paramName(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

func unescapeSegment(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// buildRoutes reads the operations out of the OpenAPI paths object.
func buildRoutes(doc any) (map[string][]*operation, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("document is %T, not an object", doc)
	}
	paths, ok := root["paths"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("paths is %T, not an object", root["paths"])
	}
	routes := make(map[string][]*operation)
	for template, item := range paths {
		methods, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("path %s is %T, not an object", template, item)
		}
		for method, raw := range methods {
			if !slices.Contains(httpMethods, method) {
				continue // "parameters", "summary", extensions
			}
			op, ok := raw.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s %s is %T, not an object", method, template, raw)
			}
			id, _ := op["operationId"].(string)
			upper := strings.ToUpper(method)
			routes[upper] = append(routes[upper], &operation{
				method:      upper,
				template:    template,
				segments:    strings.Split(template, "/"),
				operationID: id,
				bodies:      bodySchemaLocations(template, method, op),
			})
		}
	}
	return routes, nil
}

func bodySchemaLocations(template, method string, op map[string]any) map[string]string {
	body, _ := op["requestBody"].(map[string]any)
	content, _ := body["content"].(map[string]any)
	locs := make(map[string]string, len(content))
	for mediaType, media := range content {
		if mediaType != mediaJSON && mediaType != mediaMultipart {
			continue // discordgo never sends application/x-www-form-urlencoded
		}
		if m, ok := media.(map[string]any); !ok || m["schema"] == nil {
			continue
		}
		ptr := "/paths/" + escapePointer(template) + "/" + method +
			"/requestBody/content/" + escapePointer(mediaType) + "/schema"
		locs[mediaType] = documentURL + "#" + (&url.URL{Fragment: ptr}).EscapedFragment()
	}
	return locs
}

// escapePointer escapes one JSON Pointer reference token (RFC 6901).
func escapePointer(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// schema returns the compiled request body schema for a media type, or nil
// when the operation has none for it.
func (v *Validator) schema(op *operation, mediaType string) (*jsonschema.Schema, error) {
	op.compileOnce.Do(func() {
		v.compileMu.Lock()
		defer v.compileMu.Unlock()
		op.schemas = make(map[string]*jsonschema.Schema, len(op.bodies))
		for mt, loc := range op.bodies {
			s, err := v.compiler.Compile(loc)
			if err != nil {
				op.compileErr = fmt.Errorf("spec: compile %s body of %s %s: %w", mt, op.method, op.template, err)
				return
			}
			op.schemas[mt] = s
		}
	})
	if op.compileErr != nil {
		return nil, op.compileErr
	}
	return op.schemas[mediaType], nil
}
