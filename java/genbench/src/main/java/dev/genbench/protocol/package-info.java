/**
 * The AI-GenBench protocol (SPEC §2, §3, §8.2): which images each window trains and is evaluated on.
 *
 * <p>Entry points, in the order a command uses them:
 * <ol>
 *   <li>{@link dev.genbench.protocol.BenchmarkData#catalogueFor} and {@link dev.genbench.protocol.BenchmarkData#load}:
 *       the loader's rules over a {@link dev.genbench.data.Dataset} (filtering to the
 *       {@link dev.genbench.protocol.GeneratorCatalogue}, {@code ID}, split fallbacks, generator ids);</li>
 *   <li>{@link dev.genbench.protocol.ProtocolPlan#build}: the {@link dev.genbench.protocol.WindowsTimeline}, every
 *       window's training list ({@link dev.genbench.protocol.TrainingSets}) and the validation and test
 *       {@link dev.genbench.protocol.EvaluationSet}s;</li>
 *   <li>{@link dev.genbench.protocol.WindowsTimeline#generatorsFor} and {@link dev.genbench.protocol.EvaluationSet#indicesFor}: the
 *       subsets the per-window and per-generator metrics score;</li>
 *   <li>{@link dev.genbench.protocol.Sharding}: deterministic shards of any list for parallel processes;</li>
 *   <li>{@link dev.genbench.protocol.DatasetInfo}: the report behind {@code genbench dataset info}.</li>
 * </ol>
 *
 * <p>The seeded draws reproduce the original's index lists exactly: {@link dev.genbench.protocol.PythonRandom}
 * (CPython {@code random}), {@link dev.genbench.protocol.NumpyRandom} (NumPy {@code default_rng}) and
 * {@link dev.genbench.protocol.StratifiedSplit} (scikit-learn's stratified {@code train_test_split}) are ports
 * checked against reference sequences (src/test/python/make_rng_fixtures.py). Apart from reading the dataset
 * through {@code data}, everything here is a pure function of its inputs.
 */
package dev.genbench.protocol;
