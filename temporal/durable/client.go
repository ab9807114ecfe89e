package durable

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/runtime"
)

// Register registers the RunNode workflow and the RunChunk activity of a
// on a worker (or any worker.Registry), under WorkflowRunNode and
// ActivityRunChunk.
func Register(w worker.Registry, a *Activities) {
	w.RegisterWorkflowWithOptions(RunNode, workflow.RegisterOptions{Name: WorkflowRunNode})
	w.RegisterActivityWithOptions(a.RunChunk, activity.RegisterOptions{Name: ActivityRunChunk})
}

// Start validates req (see Request.Validate) and starts a run.
func Start(ctx context.Context, c client.Client, opts client.StartWorkflowOptions, req Request) (client.WorkflowRun, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return c.ExecuteWorkflow(ctx, opts, WorkflowRunNode, req)
}

// Collect waits for a run and returns its whole output: the result, with
// Items and ErrorItems read back from the chunks' results in the history
// when the output was too large to be returned inline (Segments then say
// where they were).
func Collect(ctx context.Context, c client.Client, workflowID, runID string) (Result, error) {
	var res Result
	if err := c.GetWorkflow(ctx, workflowID, runID).Get(ctx, &res); err != nil {
		return Result{}, err
	}
	if len(res.Segments) == 0 && (res.PassedThrough == nil || res.Items != nil) {
		return res, nil
	}
	h, err := readHistory(ctx, c, workflowID, runID)
	if err != nil {
		return Result{}, err
	}
	if res.PassedThrough != nil && res.Items == nil {
		res.Items = runtime.PassThrough(h.input.Items, node.Settings{ExecuteOnce: h.input.Settings.ExecuteOnce})
		res.ErrorItems = []node.Item{}
		return res, nil
	}
	res.Items, res.ErrorItems = []node.Item{}, []node.Item{}
	for _, s := range res.Segments {
		r, ok := h.results[s.ActivityID]
		if !ok || r.Start != s.Start || r.Next != s.Next {
			return Result{}, fmt.Errorf("durable: the history of %s has no result of %s for items %d to %d", workflowID, s.ActivityID, s.Start, s.Next-1)
		}
		res.Items = append(res.Items, r.Items...)
		res.ErrorItems = append(res.ErrorItems, r.ErrorItems...)
	}
	return res, nil
}

// history is what Collect needs from a run's history.
type history struct {
	input   Request
	results map[string]ChunkResult // by activity ID
}

func readHistory(ctx context.Context, c client.Client, workflowID, runID string) (*history, error) {
	dc := converter.GetDefaultDataConverter()
	h := &history{results: map[string]ChunkResult{}}
	ids := map[int64]string{} // scheduled event ID -> activity ID
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("durable: reading the history of %s: %w", workflowID, err)
		}
		if err := h.add(dc, ids, ev); err != nil {
			return nil, fmt.Errorf("durable: event %d of %s: %w", ev.GetEventId(), workflowID, err)
		}
	}
	return h, nil
}

func (h *history) add(dc converter.DataConverter, ids map[int64]string, ev *historypb.HistoryEvent) error {
	switch ev.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		return dc.FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &h.input)
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
		ids[ev.GetEventId()] = ev.GetActivityTaskScheduledEventAttributes().GetActivityId()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		a := ev.GetActivityTaskCompletedEventAttributes()
		var r ChunkResult
		if err := dc.FromPayloads(a.GetResult(), &r); err != nil {
			return err
		}
		h.results[ids[a.GetScheduledEventId()]] = r
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		// A chunk that failed for good carries its output before the
		// failed item in the failure's details.
		a := ev.GetActivityTaskFailedEventAttributes()
		details := a.GetFailure().GetApplicationFailureInfo().GetDetails()
		if len(details.GetPayloads()) == 2 {
			var info node.ErrorInfo
			var r ChunkResult
			if err := dc.FromPayloads(details, &info, &r); err != nil {
				return err
			}
			h.results[ids[a.GetScheduledEventId()]] = r
		}
	}
	return nil
}
