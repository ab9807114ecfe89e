// Package params computes a node's normalised parameters as n8n does when
// it loads a workflow (getNodeParameters, P1-P9) and decides which
// properties are visible (displayParameter, P11-P16).
package params
