package schema

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/noderun/noderun/node"
)

// The structs below are the tag-checked views of node's types: each holds
// the fields of one node value that have a per-value rule, so the rules sit
// in one place as validator tags and node stays free of dependencies. Field
// names come from the json tags, which makes them pointer tokens.

type descriptionRules struct {
	Name        string          `json:"name" validate:"required"`
	DisplayName string          `json:"displayName" validate:"required"`
	Version     []float64       `json:"version" validate:"min=1,dive,gt=0"`
	Properties  []node.Property `json:"properties" validate:"required"`
}

type credentialTypeRules struct {
	Name        string          `json:"name" validate:"required"`
	DisplayName string          `json:"displayName" validate:"required"`
	Properties  []node.Property `json:"properties" validate:"required"`
}

type credentialRefRules struct {
	Name string `json:"name" validate:"required"`
}

type propertyRules struct {
	Name string `json:"name" validate:"required"`
	Type string `json:"type" validate:"required,propertytype"`
}

type groupRules struct {
	Name   string          `json:"name" validate:"required"`
	Values []node.Property `json:"values" validate:"min=1"`
}

type requestRules struct {
	Method      string `json:"method" validate:"omitempty,httpmethod"`
	ArrayFormat string `json:"arrayFormat" validate:"omitempty,arrayformat"`
	Encoding    string `json:"encoding" validate:"omitempty,responseencoding"`
}

type sendRules struct {
	Type string `json:"type" validate:"omitempty,sendtype"`
}

type postReceiveRules struct {
	Type string `json:"type" validate:"postreceivetype"`
}

type paginationRules struct {
	Type string `json:"type" validate:"paginationtype"`
}

type authenticateRules struct {
	Type string `json:"type" validate:"eq=generic"`
}

type testRuleRules struct {
	Type string `json:"type" validate:"oneof=responseCode responseSuccessBody"`
}

// The value lists of the rules, shared by the validator's aliases and the
// prechecks. httpMethods are the methods n8n's routing passes to axios,
// which accepts them in any case.
const (
	httpMethods       = "GET HEAD POST PUT PATCH DELETE OPTIONS"
	arrayFormats      = "indices brackets repeat comma"
	responseEncodings = "arraybuffer blob document json text stream"
	sendTypes         = "body query"
	postReceiveTypes  = "rootProperty set filter limit sort setKeyValue binaryData"
	paginationTypes   = "generic offset"
)

// newRules builds the validator with noderun's custom rules. Building it
// is costly (it registers every built-in rule), so each Validator keeps one.
func newRules() (*validator.Validate, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	if err := v.RegisterValidation("expression", func(fl validator.FieldLevel) bool {
		return strings.HasPrefix(fl.Field().String(), "=")
	}); err != nil {
		return nil, fmt.Errorf("schema: register rule: %w", err)
	}
	if err := v.RegisterValidation("propertytype", func(fl validator.FieldLevel) bool {
		return knownPropertyType(node.PropertyType(fl.Field().String()))
	}); err != nil {
		return nil, fmt.Errorf("schema: register rule: %w", err)
	}
	v.RegisterAlias("httpmethod", "expression|oneofci="+httpMethods)
	v.RegisterAlias("arrayformat", "expression|oneof="+arrayFormats)
	v.RegisterAlias("responseencoding", "expression|oneof="+responseEncodings)
	v.RegisterAlias("sendtype", "oneof="+sendTypes)
	v.RegisterAlias("postreceivetype", "oneof="+postReceiveTypes)
	v.RegisterAlias("paginationtype", "oneof="+paginationTypes)
	return v, nil
}

// The validator reads the tags by reflection on every call, which made it
// a third of the meaning checks of a large description. The most frequent
// rules values can say in plain Go that their tags hold; the validator is
// asked only when they do not, to find and word each failure.
// TestPrechecksAgreeWithTags holds each precheck to its tags.
type prechecked interface{ holds() bool }

func (r propertyRules) holds() bool {
	return r.Name != "" && knownPropertyType(node.PropertyType(r.Type))
}

func (r requestRules) holds() bool {
	return (r.Method == "" || isExpression(r.Method) || oneOf(r.Method, httpMethods, strings.EqualFold)) &&
		(r.ArrayFormat == "" || isExpression(r.ArrayFormat) || oneOf(r.ArrayFormat, arrayFormats, equal)) &&
		(r.Encoding == "" || isExpression(r.Encoding) || oneOf(r.Encoding, responseEncodings, equal))
}

func (r sendRules) holds() bool {
	return r.Type == "" || oneOf(r.Type, sendTypes, equal)
}

func (r postReceiveRules) holds() bool { return oneOf(r.Type, postReceiveTypes, equal) }

func (r paginationRules) holds() bool { return oneOf(r.Type, paginationTypes, equal) }

func (r credentialRefRules) holds() bool { return r.Name != "" }

func (r groupRules) holds() bool { return r.Name != "" && len(r.Values) > 0 }

func isExpression(s string) bool { return strings.HasPrefix(s, "=") }

func equal(a, b string) bool { return a == b }

// oneOf reports whether s matches one of the space-separated words of list.
func oneOf(s, list string, match func(a, b string) bool) bool {
	// Cut rather than FieldsSeq: the lists are single-spaced, and this
	// runs for every request, send and postReceive of a description.
	for list != "" {
		var w string
		w, list, _ = strings.Cut(list, " ")
		if match(s, w) {
			return true
		}
	}
	return false
}

// check applies rules at p, asking the validator only when the precheck
// fails; the copy handed to the validator is the only one that escapes.
func check[R prechecked](c *checker, p *path, rules R) {
	if rules.holds() {
		return
	}
	failed := rules
	c.apply(p, &failed)
}

func knownPropertyType(t node.PropertyType) bool {
	for _, k := range node.KnownPropertyTypes {
		if k == t {
			return true
		}
	}
	return false
}

// apply runs the tag rules of one rules value and reports each failure at p
// plus the failing field.
func (c *checker) apply(p *path, rules any) {
	err := c.rules.Struct(rules)
	if err == nil {
		return
	}
	var failures validator.ValidationErrors
	if !errors.As(err, &failures) {
		c.errorf(p, "internal: rule check failed: %v", err)
		return
	}
	for _, fe := range failures {
		c.diags = append(c.diags, Diagnostic{
			Severity: SeverityError,
			Pointer:  p.String() + fieldPointer(fe.Field()),
			Message:  ruleMessage(fe),
		})
	}
}

// fieldPointer turns validator's field name "version[1]" into the pointer
// suffix "/version/1".
func fieldPointer(field string) string {
	name, rest, indexed := strings.Cut(field, "[")
	suffix := "/" + escapeToken(name)
	if indexed {
		suffix += "/" + strings.TrimSuffix(rest, "]")
	}
	return suffix
}

// ruleMessage says, for one failed rule, what is wrong and what is allowed.
func ruleMessage(fe validator.FieldError) string {
	field := fe.Field()
	value := fe.Value()
	switch fe.Tag() {
	case "required":
		return fmt.Sprintf("%s is missing or empty; it is required", field)
	case "min":
		return fmt.Sprintf("%s is empty; it must list at least %s", field, plural(fe.Param(), "entry", "entries"))
	case "gt":
		return fmt.Sprintf("%v is not allowed here; it must be greater than %s", value, fe.Param())
	case "oneof":
		return fmt.Sprintf("%s %q is not allowed; allowed: %s", field, value, strings.Join(strings.Fields(fe.Param()), ", "))
	case "sendtype", "postreceivetype", "paginationtype":
		list := map[string]string{"sendtype": sendTypes, "postreceivetype": postReceiveTypes, "paginationtype": paginationTypes}[fe.Tag()]
		return fmt.Sprintf("%s %q is not allowed; allowed: %s", field, value, strings.Join(strings.Fields(list), ", "))
	case "eq":
		return fmt.Sprintf("%s %q is not allowed; allowed: %q", field, value, fe.Param())
	case "propertytype":
		names := make([]string, len(node.KnownPropertyTypes))
		for i, t := range node.KnownPropertyTypes {
			names[i] = string(t)
		}
		return fmt.Sprintf("type %q is not a property type n8n knows; allowed: %s", value, strings.Join(names, ", "))
	case "httpmethod":
		return fmt.Sprintf("method %q is not an HTTP method; allowed: %s (any case), or an expression starting with '='", value, strings.Join(strings.Fields(httpMethods), ", "))
	case "arrayformat":
		return fmt.Sprintf("arrayFormat %q is not allowed; allowed: %s, or an expression starting with '='", value, strings.Join(strings.Fields(arrayFormats), ", "))
	case "responseencoding":
		return fmt.Sprintf("encoding %q is not allowed; allowed: %s, or an expression starting with '='", value, strings.Join(strings.Fields(responseEncodings), ", "))
	}
	return fmt.Sprintf("%s fails rule %q", field, fe.Tag())
}

func plural(n, one, many string) string {
	if n == "1" {
		return "1 " + one
	}
	return n + " " + many
}
