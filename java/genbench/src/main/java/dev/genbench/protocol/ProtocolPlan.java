package dev.genbench.protocol;

import dev.genbench.config.ExperimentInfo.BenchmarkType;
import dev.genbench.config.GenbenchConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole protocol for one dataset and configuration: the windows timeline, every window's training
 * list, and the validation and test sets. A pure function of its inputs.
 *
 * @param timeline the generators of each window
 * @param windows the training plan of each window
 * @param validation the validation set (identical for every window)
 * @param test the test set (same images and order as validation, different pairing)
 */
public record ProtocolPlan(WindowsTimeline timeline, List<WindowPlan> windows, EvaluationSet validation, EvaluationSet test) {
    public ProtocolPlan {
        windows = List.copyOf(windows);
    }

    /** The settings that shape the protocol ({@code experiment_info.sliding_windows_definition} and the subsets). */
    public record Settings(BenchmarkType type, int generatorsPerWindow, SubsetSize trainSubset, SubsetSize validationSubset) {
        /** The benchmark's: cumulative windows of 4 generators, no subsets. */
        public static Settings benchmark() {
            return new Settings(BenchmarkType.CUMULATIVE, 4, SubsetSize.DISABLED, SubsetSize.DISABLED);
        }

        /** The settings a run configuration gives. */
        public static Settings of(GenbenchConfig config) {
            var windows = config.experimentInfo().slidingWindowsDefinition();
            return new Settings(windows.benchmarkType(), windows.nGeneratorsPerWindow(),
                    SubsetSize.of(config.data().trainSubsetSize()), SubsetSize.of(config.data().validationSubsetSize()));
        }
    }

    public static ProtocolPlan build(GeneratorCatalogue catalogue, LabelledSplit train, LabelledSplit validation, Settings settings) {
        Set<String> available = new HashSet<>();
        boolean[] seen = new boolean[train.generatorNames().size()];
        for (int id : train.generatorIds()) {
            seen[id] = true;
        }
        for (int id = 0; id < seen.length; id++) {
            if (seen[id] && !train.generatorNames().get(id).isEmpty()) {
                available.add(train.generatorNames().get(id));
            }
        }
        WindowsTimeline timeline = WindowsTimeline.build(catalogue, available, settings.type(), settings.generatorsPerWindow());
        int[][] lists = TrainingSets.windows(train, timeline);
        List<WindowPlan> plans = new ArrayList<>();
        for (int k = 0; k < lists.length; k++) {
            plans.add(new WindowPlan(k, timeline.window(k), TrainingSets.subset(train, lists[k], settings.trainSubset())));
        }
        EvaluationSet val = EvaluationSet.build(validation, EvaluationStage.VALIDATION, settings.validationSubset());
        EvaluationSet test = EvaluationSet.build(validation, EvaluationStage.TEST, SubsetSize.DISABLED);
        return new ProtocolPlan(timeline, plans, val, test);
    }
}
