using SimplicityBias.Dynamics.Network;
using SimplicityBias.Theory.Numerics;
using SimplicityBias.Dynamics.Numerics;

namespace SimplicityBias.Theory.Extremal;

public static partial class ExtremalVectors
{
    /// <summary>
    /// General multi-start search: random starts (both signs by default) plus, if given, each
    /// neuron's direction w_j/|w_j| with the sign of a_j. Each start runs the chosen
    /// <see cref="SearchMethod"/>; what it reaches is verified exactly and deduplicated by
    /// (sign, activation set, boundary set). Hits/Share count random starts; neurons are mapped
    /// in <see cref="ExtremalSet.NeuronAssignment"/>. Starts that reach nothing verified are
    /// counted in Unresolved (never an exception). Deterministic for a seed, whatever the thread count.
    /// </summary>
    public static ExtremalSet Search(Dataset data, SearchOptions? options = null, NetworkParameters? neurons = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var opt = options ?? new SearchOptions();
        opt.Validate();
        int d = data.D;
        if (neurons is not null && neurons.D != d)
            throw new ArgumentException($"neurons have d = {neurons.D}, data has d = {d}", nameof(neurons));

        var starts = new List<(double[] U, int Sign, int Neuron)>();
        var rng = new Rng(opt.Seed, 3);
        for (int i = 0; i < opt.RandomStarts; i++)
        {
            var u = new double[d];
            rng.NextUnitVector(u);
            if (opt.BothSigns) { starts.Add((u, 1, -1)); starts.Add((u, -1, -1)); }
            else starts.Add((u, opt.Sign, -1));
        }
        if (neurons is not null)
            for (int j = 0; j < neurons.M; j++)
            {
                double a = neurons.A(j);
                var w = neurons.W(j).ToArray();
                double nw = Vec.Norm(w);
                if (a == 0 || nw == 0 || nw <= opt.MinNeuronNorm) continue;
                for (int i = 0; i < d; i++) w[i] /= nw;
                starts.Add((w, a > 0 ? 1 : -1, j));
            }

        var verifier = new FaceVerifier(data);
        var outcome = new ExtremalVector?[starts.Count];
        var stalled = new bool[starts.Count];
        var po = new ParallelOptions { MaxDegreeOfParallelism = opt.MaxDegreeOfParallelism };
        Parallel.For(0, starts.Count, po, () => new FlowWorker(verifier, opt), (i, _, worker) =>
        {
            var (u0, s, _) = starts[i];
            var ev = opt.Method == SearchMethod.FixedPoint ? worker.RunFixedPoint(u0, s) : null;
            if (ev is null)
            {
                ev = worker.RunFlow(u0, s, out bool st);
                stalled[i] = st;
            }
            outcome[i] = ev;
            return worker;
        }, _ => { });

        // merge in start order: deterministic
        var index = new Dictionary<FaceKey, int>();
        var found = new List<ExtremalVector>();
        var hitsUp = new List<int>();
        var hitsDown = new List<int>();
        var neuronHits = new List<int>();
        var startTarget = new int[starts.Count];
        int randomUp = 0, randomDown = 0;
        long unresolved = 0, stalledCount = 0;
        for (int i = 0; i < starts.Count; i++)
        {
            bool isRandom = starts[i].Neuron < 0;
            if (isRandom) { if (starts[i].Sign > 0) randomUp++; else randomDown++; }
            var v = outcome[i];
            if (v is null)
            {
                unresolved++;
                if (stalled[i]) stalledCount++;
                startTarget[i] = -1;
                continue;
            }
            if (!index.TryGetValue(v.Key, out int id))
            {
                id = found.Count;
                index[v.Key] = id;
                found.Add(v);
                hitsUp.Add(0);
                hitsDown.Add(0);
                neuronHits.Add(0);
            }
            if (!isRandom) neuronHits[id]++;
            else if (starts[i].Sign > 0) hitsUp[id]++;
            else hitsDown[id]++;
            startTarget[i] = id;
        }
        var withStats = new ExtremalVector[found.Count];
        for (int id = 0; id < found.Count; id++)
        {
            // share among the random starts of the flow that reaches it (ascent for maxima, descent for minima)
            int up = hitsUp[id], down = hitsDown[id];
            double share = up > 0 && down > 0 ? (double)(up + down) / (randomUp + randomDown)
                : up > 0 ? (double)up / randomUp
                : down > 0 ? (double)down / randomDown : 0.0;
            withStats[id] = found[id] with { Hits = up + down, NeuronHits = neuronHits[id], Share = share };
        }
        var ordered = ExtremalSet.Order(withStats);
        var pos = new Dictionary<ExtremalVector, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < ordered.Count; i++) pos[ordered[i]] = i;
        int[]? neuronAssignment = null;
        if (neurons is not null)
        {
            neuronAssignment = new int[neurons.M];
            Array.Fill(neuronAssignment, -1);
            for (int i = 0; i < starts.Count; i++)
                if (starts[i].Neuron >= 0 && startTarget[i] >= 0)
                    neuronAssignment[starts[i].Neuron] = pos[withStats[startTarget[i]]];
        }
        return new ExtremalSet(ordered, "search", starts.Count, unresolved) { NeuronAssignment = neuronAssignment, Stalled = stalledCount };
    }
}
