package example;

import dev.genbench.extension.Callback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Appends "window,next-period AUROC" to a CSV file after every validation. */
public class AurocCsv implements Callback {
    private final Path file;

    public AurocCsv(Map<String, Object> initArgs) {
        this.file = Path.of(String.valueOf(initArgs.getOrDefault("file", "auroc.csv")));
    }

    @Override
    public void onValidationEnd(EvaluationResult result) {
        Double next = result.metrics().get("immediate_future_validate_BinaryAUROC_epoch/all");
        try {
            Files.writeString(file, result.window() + "," + next + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
