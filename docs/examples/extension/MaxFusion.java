package example;

import dev.genbench.extension.MetricRegistry;
import dev.genbench.extension.SoftTrainAugmentationsModule;

/** An image is as fake as its most suspicious crop; logs the share of images scored above 0.9. */
public class MaxFusion implements SoftTrainAugmentationsModule {
    @Override
    public float fuseScores(float[] cropScores) {
        float max = 0;
        for (float s : cropScores) {
            max = Math.max(max, s);
        }
        return max;
    }

    @Override
    public void registerMetrics(MetricRegistry registry) {
        registry.add("ConfidentShare", images -> {
            int n = 0;
            for (float s : images.scores()) {
                n += s > 0.9f ? 1 : 0;
            }
            return (double) n / images.size();
        });
    }
}
