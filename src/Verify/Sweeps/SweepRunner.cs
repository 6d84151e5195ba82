using System.Collections.Concurrent;
using SimplicityBias.Verify.Running;
using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Sweeps;

/// <summary>Receives sweep events (called from worker threads; implementations must be thread-safe).</summary>
public interface ISweepProgress
{
    /// <summary>The sweep starts: <paramref name="toRun"/> runs to do, <paramref name="alreadyDone"/> found in the store.</summary>
    void Start(int toRun, int alreadyDone, int workers);
    /// <summary>Worker <paramref name="worker"/> starts the run at <paramref name="index"/>.</summary>
    void RunStarted(int worker, int index, ExperimentSpec spec);
    /// <summary>Live state of the worker's run.</summary>
    void RunProgress(int worker, RunProgress progress);
    /// <summary>The worker's run ended (null record: cancelled).</summary>
    void RunFinished(int worker, int index, RunRecord? record);
    /// <summary>A line to show beside the progress (e.g. a run resumed from its checkpoint).</summary>
    void Note(string message) { }
}

/// <summary>What a sweep did.</summary>
/// <param name="InShard">Runs in this shard.</param>
/// <param name="Skipped">Already in the store (resumed).</param>
/// <param name="Completed">Finished now (ok or error).</param>
/// <param name="Errors">Of which ended with an error.</param>
/// <param name="Cancelled">Whether the sweep was stopped before the end.</param>
public sealed record SweepOutcome(int InShard, int Skipped, int Completed, int Errors, bool Cancelled);

/// <summary>
/// Runs the runs of a sweep (or one shard of it) on a fixed number of worker threads, skipping the
/// runs already finished in the store, appending each finished run at once. Each run is a pure
/// function of its spec, so results do not depend on the number of workers or the order of completion.
/// </summary>
public sealed class SweepRunner(ExperimentRunner runner)
{
    /// <summary>
    /// Runs the sweep; returns when all runs are done or after cancellation (in-flight runs are dropped, to be redone on
    /// resume, from their last checkpoint when their spec sets checkpointsPerDecade and <paramref name="checkpoints"/> is given).
    /// </summary>
    public SweepOutcome Run(SweepSpec sweep, ResultStore store, Shard shard, int workers, ISweepProgress? progress, CancellationToken cancel,
        CheckpointFiles? checkpoints = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var done = ResultStore.CompletedHashes(store.DirectoryPath);
        var todo = new ConcurrentQueue<(int Index, ExperimentSpec Spec)>();
        int inShard = 0, skipped = 0;
        for (int i = 0; i < sweep.Runs.Count; i++)
        {
            if (!shard.Contains(i)) continue;
            inShard++;
            if (done.Contains(CanonicalSpec.Hash(sweep.Runs[i]))) { skipped++; continue; }
            todo.Enqueue((i, sweep.Runs[i]));
        }
        int nWorkers = Math.Max(1, Math.Min(workers, todo.Count));
        progress?.Start(todo.Count, skipped, nWorkers);
        int completed = 0, errors = 0;
        var failures = new ConcurrentQueue<Exception>();
        var threads = new Thread[nWorkers];
        for (int w = 0; w < nWorkers; w++)
        {
            int worker = w;
            threads[w] = new Thread(() =>
            {
                try
                {
                    while (!cancel.IsCancellationRequested && todo.TryDequeue(out var item))
                    {
                        progress?.RunStarted(worker, item.Index, item.Spec);
                        var rec = runner.Run(item.Spec, item.Index, sweep.Name,
                            progress is null ? null : p => progress.RunProgress(worker, p), cancel, checkpoints);
                        if (rec is not null)
                        {
                            store.Append(rec);
                            checkpoints?.Remove(rec.Hash); // only once its record is stored
                            Interlocked.Increment(ref completed);
                            if (rec.Status != "ok") Interlocked.Increment(ref errors);
                        }
                        progress?.RunFinished(worker, item.Index, rec);
                    }
                }
                catch (Exception ex) { failures.Enqueue(ex); }
            })
            { IsBackground = true, Name = $"sweep-worker-{w}" };
            threads[w].Start();
        }
        foreach (var t in threads) t.Join();
        if (!failures.IsEmpty) throw new AggregateException("a sweep worker failed", failures);
        return new SweepOutcome(inShard, skipped, completed, errors, cancel.IsCancellationRequested && completed + skipped < inShard);
    }
}
