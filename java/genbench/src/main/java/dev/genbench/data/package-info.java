/**
 * Dataset readers behind one interface, {@link dev.genbench.data.Dataset}: Hugging Face {@code save_to_disk}
 * folders ({@link dev.genbench.data.HfDiskDataset}, Arrow IPC stream shards, memory-mapped), image folders
 * ({@link dev.genbench.data.FolderDataset}) and CSV manifests ({@link dev.genbench.data.CsvManifestDataset});
 * {@link dev.genbench.data.Datasets#open} picks one. A split's metadata (label, generator, {@code ID},
 * {@code file_id}) lives in compact arrays ({@link dev.genbench.data.SplitTable}); image bytes are read on
 * demand by row. The benchmark's rules on top of a dataset are in {@code dev.genbench.protocol}.
 */
package dev.genbench.data;
