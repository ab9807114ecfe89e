package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	spec := "../../testdata/synthetic.openapi.json"
	common := []string{"-spec", spec, "-name", "syntheticShop", "-display-name", "Synthetic Shop",
		"-description", "A shop made up for tests", "-credential", "syntheticShopApi"}
	dir := t.TempDir()

	improved := filepath.Join(dir, "improved.json")
	var stderr bytes.Buffer
	require.NoError(t, run(append(common, "-out", improved), &stderr))
	got, err := os.ReadFile(improved)
	require.NoError(t, err)
	golden, err := os.ReadFile("../../testdata/synthetic.noderun.golden.json")
	require.NoError(t, err)
	assert.Equal(t, string(golden), string(got))
	assert.Contains(t, stderr.String(), `"level":"warn"`, "the unmappable bodies are logged")

	faithful := filepath.Join(dir, "n8n.json")
	require.NoError(t, run(append(common, "-out", faithful, "-n8n"), &bytes.Buffer{}))
	got, err = os.ReadFile(faithful)
	require.NoError(t, err)
	assert.NotContains(t, string(got), "onlyIfSet")

	err = run([]string{"-spec", spec}, &bytes.Buffer{})
	assert.ErrorContains(t, err, "-spec and -out are required")
	err = run([]string{"-spec", spec, "-out", filepath.Join(dir, "x.json")}, &bytes.Buffer{})
	assert.ErrorContains(t, err, "needs Name, DisplayName")
}
