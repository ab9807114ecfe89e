package chatwootsim

import (
	"bytes"
	"net/http"
	"strings"
)

// response is a fully rendered HTTP answer. Handlers return one; ServeHTTP writes it, possibly
// damaged by a fault.
type response struct {
	status int
	header http.Header
	body   []byte
}

const (
	ctJSON     = "application/json; charset=utf-8"
	ctHeadJSON = "application/json" // Rails `head :ok` on a json-format route: no charset
	ctHTML     = "text/html; charset=utf-8"
	ctText     = "text/plain"
)

func newResponse(status int, contentType string, body []byte) *response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &response{status: status, header: h, body: body}
}

// jsonResp renders v as the body; a marshalling failure is a simulator bug and becomes a 500.
func jsonResp(status int, v any) *response {
	var buf bytes.Buffer
	err := encodeJSON(&buf, v)
	b := buf.Bytes()
	if err != nil {
		return newResponse(http.StatusInternalServerError, ctJSON,
			[]byte(`{"status":500,"error":"Internal Server Error"}`))
	}
	return newResponse(status, ctJSON, b)
}

// ok is a 200 JSON answer: Chatwoot never answers 201.
func okResp(v any) *response { return jsonResp(http.StatusOK, v) }

// headOK is Rails `head :ok`: 200, an empty body and a charset-less JSON content type.
func headOK() *response { return newResponse(http.StatusOK, ctHeadJSON, nil) }

// headStatus is `head <status>` with an empty body.
func headStatus(status int) *response { return newResponse(status, ctHeadJSON, nil) }

// noContent is `head :no_content`: 204 without a body or a content type.
func noContent() *response { return newResponse(http.StatusNoContent, "", nil) }

func htmlResp(status int, body string) *response {
	return newResponse(status, ctHTML, []byte(body))
}

// errorObj is the {"error": message} body of explicit renders.
func errorObj(status int, msg string) *response {
	return jsonResp(status, obj{{"error", msg}})
}

// unauthorized is render_unauthorized: Chatwoot answers every authorisation failure with 401.
func unauthorized(msg string) *response { return errorObj(http.StatusUnauthorized, msg) }

// notAuthorizedAction is a Pundit::NotAuthorizedError caught by handle_with_exception.
func notAuthorizedAction() *response { return unauthorized("You are not authorized to do this action") }

// railsNotFound is ActionDispatch::PublicExceptions for a json-format request.
func railsNotFound() *response {
	return jsonResp(http.StatusNotFound, obj{{"status", 404}, {"error", "Not Found"}})
}

// resourceNotFound is RecordNotFound caught by handle_with_exception (account API and profile).
func resourceNotFound() *response {
	return errorObj(http.StatusNotFound, "Resource could not be found")
}

func internalError() *response {
	return jsonResp(http.StatusInternalServerError, obj{{"status", 500}, {"error", "Internal Server Error"}})
}

func badRequest() *response {
	return jsonResp(http.StatusBadRequest, obj{{"status", 400}, {"error", "Bad Request"}})
}

// couldNotCreate is render_could_not_create_error: 422 {"error": message}.
func couldNotCreate(msg string) *response { return errorObj(http.StatusUnprocessableEntity, msg) }

// paramMissing is ActionController::ParameterMissing caught by handle_with_exception.
func paramMissing(key string) *response {
	return couldNotCreate("param is missing or the value is empty: " + key)
}

// fieldErrors is the {"error":{field:[messages]}} shape of automation rules, portals, categories,
// articles and custom filters.
func fieldErrors(e *validation) *response {
	m := obj{}
	for _, a := range e.attrs {
		var msgs []string
		for _, f := range e.items {
			if f.attr == a {
				msgs = append(msgs, f.msg)
			}
		}
		m = append(m, kv{a, msgs})
	}
	return jsonResp(http.StatusUnprocessableEntity, obj{{"error", m}})
}

// validation collects ActiveModel errors.
type validation struct {
	items []verr
	attrs []string
}

type verr struct {
	attr string
	msg  string // message without the attribute name, e.g. "has already been taken"
	full string // full message, e.g. "Email has already been taken"
}

// add records an error; full is derived from the humanised attribute name unless given.
func (v *validation) add(attr, msg string) {
	v.addFull(attr, msg, humanize(attr)+" "+msg)
}

func (v *validation) addFull(attr, msg, full string) {
	v.items = append(v.items, verr{attr: attr, msg: msg, full: full})
	for _, a := range v.attrs {
		if a == attr {
			return
		}
	}
	v.attrs = append(v.attrs, attr)
}

func (v *validation) empty() bool { return len(v.items) == 0 }

// invalid is `rescue_from ActiveRecord::RecordInvalid`: 422 {message, attributes}.
func (v *validation) invalid() *response {
	full := make([]string, len(v.items))
	for i, e := range v.items {
		full[i] = e.full
	}
	return jsonResp(http.StatusUnprocessableEntity, obj{
		{"message", strings.Join(full, ", ")},
		{"attributes", v.attrs},
	})
}

// humanize is ActiveSupport's String#humanize for attribute names.
func humanize(attr string) string {
	s := strings.TrimSuffix(attr, "_id")
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
