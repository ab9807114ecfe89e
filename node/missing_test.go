package node

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A JSON description exported from n8n holds null where n8n had a
// function: it loads, and each routing names its null slots.
func TestNullFunctionSlotsLoad(t *testing.T) {
	d, err := DecodeDescription([]byte(`{"name":"x","displayName":"X","version":1,"requestDefaults":{},
	 "properties":[
	  {"name":"operation","type":"options","default":"a","options":[
	    {"name":"A","value":"a","routing":{"request":{"url":"/a"},"send":{"preSend":[null,"hook"]},
	      "output":{"postReceive":[{"type":"rootProperty","properties":{"property":"data"}},null]},
	      "operations":{"pagination":null}}}]},
	  {"name":"c","type":"collection","default":{},"options":[
	    {"name":"d","type":"string","default":"","routing":{"send":{"preSend":[null]}}}]}]}`))
	require.NoError(t, err)
	r := d.Properties[0].Choices[0].Routing
	assert.Equal(t, []string{
		"properties[0].options[0].routing.send.preSend[0]",
		"properties[0].options[0].routing.output.postReceive[1]",
	}, r.Missing, "a missing pagination is needed only by a request that paginates")
	assert.Equal(t, "properties[0].options[0].routing.operations.pagination", r.Operations.MissingPagination)
	assert.Equal(t, []string{"hook"}, r.Send.PreSend)
	require.Len(t, r.Output.PostReceive, 1)
	assert.Equal(t, "rootProperty", r.Output.PostReceive[0].Type)
	assert.Nil(t, r.Operations.Pagination)
	assert.Equal(t, []string{"properties[1].options[0].routing.send.preSend[0]"}, d.Properties[1].Children[0].Routing.Missing)

	// JSON drops a function-valued key: "operations": {} held a pagination.
	d, err = DecodeDescription([]byte(`{"name":"x","displayName":"X","version":1,"requestDefaults":{},
	 "requestOperations":{"pagination":null},
	 "properties":[{"name":"returnAll","type":"boolean","default":false,
	   "routing":{"send":{"paginate":"={{ $value }}"},"operations":{}}}]}`))
	require.NoError(t, err)
	assert.Equal(t, "properties[0].routing.operations.pagination", d.Properties[0].Routing.Operations.MissingPagination)
	assert.Equal(t, "requestOperations.pagination", d.RequestOperations.MissingPagination)
}

func TestLocatorModesDecode(t *testing.T) {
	var p Property
	require.NoError(t, p.UnmarshalJSON([]byte(`{"name":"id","type":"resourceLocator","default":{"mode":"list","value":""},
	 "modes":[{"name":"list","type":"list","typeOptions":{"searchListMethod":"s"}},
	  {"name":"url","type":"string","extractValue":{"type":"regex","regex":"id=([0-9]+)"},
	   "validation":[{"type":"regex","properties":{"regex":"[0-9]+","errorMessage":"bad"}}]},
	  {"name":"re","type":"string","extractValue":{"type":"regex","regex":{}}}]}`)))
	require.Len(t, p.LocatorModes, 3)
	m, ok := p.LocatorMode("url")
	require.True(t, ok)
	assert.Equal(t, &ExtractValue{Type: "regex", Regex: "id=([0-9]+)"}, m.ExtractValue)
	assert.Equal(t, []LocatorValidation{{Type: "regex", Regex: "[0-9]+", ErrorMessage: "bad"}}, m.Validation)
	m, _ = p.LocatorMode("re")
	assert.True(t, m.ExtractValue.RegexMissing, "a RegExp exported as {} is no regex")
	assert.NotEmpty(t, p.Modes, "the raw modes are kept for the editor keys")
	err := p.UnmarshalJSON([]byte(`{"name":"id","type":"resourceLocator","modes":{"name":"x"}}`))
	assert.ErrorContains(t, err, "modes")
}
