package node

import (
	"bytes"
	"encoding/json"

	"github.com/noderun/noderun/node/jsontree"
)

// Description is a node type's static definition, n8n's INodeTypeDescription.
// A description with RequestDefaults and no code is declarative: the routing
// runtime turns it into HTTP requests.
type Description struct {
	DisplayName string   `json:"displayName"`
	Name        string   `json:"name"`
	Group       []string `json:"group,omitempty"`
	// Version is the node's typeVersion; n8n allows one number or a list.
	Version     Version        `json:"version"`
	Subtitle    string         `json:"subtitle,omitempty"`
	Description string         `json:"description,omitempty"`
	Defaults    map[string]any `json:"defaults,omitempty"`
	// Inputs and Outputs are kept verbatim: n8n allows strings, objects and
	// expressions here, and the routing runtime always has one main output.
	Inputs      json.RawMessage `json:"inputs,omitempty"`
	Outputs     json.RawMessage `json:"outputs,omitempty"`
	Credentials []CredentialRef `json:"credentials,omitempty"`
	// RequestDefaults is copied into every request before any routing (R2).
	RequestDefaults *Request `json:"requestDefaults,omitempty"`
	// RequestOperations holds the node-wide default pagination (D5).
	RequestOperations *Operations `json:"requestOperations,omitempty"`
	Properties        []Property  `json:"properties"`
	// Codex, IconURL and the rest of n8n's editor metadata do not affect a
	// run; they are kept so that a loaded description encodes back whole.
	Codex json.RawMessage `json:"codex,omitempty"`
	Icon  json.RawMessage `json:"icon,omitempty"`
	// IconURL is a path, or n8n's {light, dark} pair of paths.
	IconURL                     json.RawMessage `json:"iconUrl,omitempty"`
	DocumentationURL            string          `json:"documentationUrl,omitempty"`
	CommunityNodePackageVersion string          `json:"communityNodePackageVersion,omitempty"`
}

// IsDeclarative reports whether the routing runtime can run the description:
// n8n runs a node through RoutingNode when it has requestDefaults (D1).
func (d *Description) IsDeclarative() bool { return d.RequestDefaults != nil }

// CredentialRef names a credential type the node can use (D4).
type CredentialRef struct {
	Name           string          `json:"name"`
	Required       bool            `json:"required,omitempty"`
	DisplayOptions *DisplayOptions `json:"displayOptions,omitempty"`
	// TestedBy is a credential test defined by the node: an object with
	// request/rules, or the name of a registered test function.
	TestedBy json.RawMessage `json:"testedBy,omitempty"`
}

// HasTestedBy reports whether the reference names a credential test: n8n
// checks `!!testedBy`, so "", false, 0 and null name none.
func (r CredentialRef) HasTestedBy() bool {
	raw := bytes.TrimSpace(r.TestedBy)
	if len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case 'n', 'f':
		return false // null, false
	case '"':
		var s string
		return json.Unmarshal(raw, &s) != nil || s != ""
	case '{', '[', 't':
		return true
	}
	var f float64
	return json.Unmarshal(raw, &f) != nil || f != 0 // JSON has no NaN
}

// Version is one node typeVersion or the list of versions a description
// serves. It decodes from a JSON number or array of numbers.
type Version []float64

// Latest is the highest listed version, or 1 when none is listed.
func (v Version) Latest() float64 {
	if len(v) == 0 {
		return 1
	}
	latest := v[0]
	for _, x := range v[1:] {
		if x > latest {
			latest = x
		}
	}
	return latest
}

// MarshalJSON writes a single version as a bare number, as n8n does.
func (v Version) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]float64(v))
}

// UnmarshalJSON accepts a number or an array of numbers.
func (v *Version) UnmarshalJSON(b []byte) error {
	return parseInto(b, func(_ *decoding, x jsontree.Value) error { return v.decode(x) })
}
