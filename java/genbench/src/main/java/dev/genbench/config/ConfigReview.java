package dev.genbench.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Warnings for settings that load but that genbench does not act on, so nobody believes a key works
 * when it does not. Each names the key and says what happens instead.
 */
final class ConfigReview {
    private ConfigReview() {}

    static List<String> review(GenbenchConfig c) {
        List<String> out = new ArrayList<>();
        TrainerConfig t = c.trainer();
        if (!t.strategy().equals("auto") && !t.strategy().equals("single_device")) {
            out.add("trainer.strategy: '" + t.strategy() + "' is a distributed strategy; genbench runs one process per job"
                    + " (scale out with SLURM array jobs instead) and ignores it");
        }
        if (t.numNodes() != 1) {
            out.add("trainer.num_nodes: " + t.numNodes() + " is ignored; genbench runs one process per job");
        }
        if (t.syncBatchnorm()) {
            out.add("trainer.sync_batchnorm: true is ignored; there is one process, so there is nothing to synchronise");
        }
        if (!Boolean.FALSE.equals(t.fastDevRun()) && !Long.valueOf(0).equals(t.fastDevRun())) {
            out.add("trainer.fast_dev_run: " + t.fastDevRun() + " is ignored; use trainer.limit_train_batches and"
                    + " data.init_args.train_subset_size for a quick run");
        }
        if (t.overfitBatches().doubleValue() != 0) {
            out.add("trainer.overfit_batches: " + t.overfitBatches() + " is ignored");
        }
        if (t.numSanityValSteps() != null && t.numSanityValSteps() != 0) {
            out.add("trainer.num_sanity_val_steps: " + t.numSanityValSteps()
                    + " is forced to 0, as the original forces it before every window (SPEC §12 item 22)");
        }
        if (t.reloadDataloadersEveryNEpochs() != 0) {
            out.add("trainer.reload_dataloaders_every_n_epochs is ignored; data loaders are rebuilt for each window only");
        }
        if (c.data().moveDataToLocalStorage()) {
            out.add("data.init_args.move_data_to_local_storage: true is ignored, as in the original (it is never used)");
        }
        return out;
    }
}
