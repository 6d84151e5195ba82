namespace SimplicityBias.Verify.Cli;

/// <summary>
/// Checks an output directory before any compute, so a path problem is bad input (exit 2, the option named)
/// and never a crash after hours of work: the path must be, or be creatable as, a writable directory, and
/// the names the command will write in it must not exist as the wrong kind (a directory report.md, a file figures).
/// </summary>
internal static class OutputDirectory
{
    /// <summary>Files a report writes.</summary>
    public static readonly string[] ReportFiles = [.. Results.ResultsFiles.Names, "report.md", "report.html", Reports.Manifest.FileName];
    /// <summary>Directories a report writes.</summary>
    public static readonly string[] ReportDirectories = ["figures"];

    /// <summary>Creates <paramref name="dir"/> if needed and checks it; throws <see cref="BadInputException"/> naming <paramref name="option"/>.</summary>
    /// <param name="dir">The directory.</param>
    /// <param name="option">The option or argument that gave it, for messages.</param>
    /// <param name="files">File names the command writes (or appends to) in it.</param>
    /// <param name="directories">Directory names the command writes in it.</param>
    public static void Prepare(string dir, string option, IEnumerable<string> files, IEnumerable<string> directories)
    {
        string full;
        try { full = Path.GetFullPath(dir); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        { throw new BadInputException($"{option}: '{dir}' is not a valid path: {e.Message}"); }
        if (File.Exists(full)) throw new BadInputException($"{option}: '{dir}' is a file, not a directory");
        for (var up = Path.GetDirectoryName(full); up is not null && !Directory.Exists(up); up = Path.GetDirectoryName(up))
            if (File.Exists(up)) throw new BadInputException($"{option}: '{dir}' is under '{up}', which is a file");
        try { Directory.CreateDirectory(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new BadInputException($"{option}: cannot create the directory '{dir}': {e.Message}"); }
        Probe(full, option, dir);
        foreach (var name in files)
        {
            var p = Path.Combine(full, name);
            if (Directory.Exists(p)) throw new BadInputException($"{option}: '{Path.Combine(dir, name)}' is a directory; it must be a file (or absent)");
            if (!File.Exists(p)) continue;
            try { using var _ = new FileStream(p, FileMode.Open, FileAccess.Write, FileShare.ReadWrite); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw new BadInputException($"{option}: cannot write '{Path.Combine(dir, name)}': {e.Message}"); }
        }
        foreach (var name in directories)
        {
            var p = Path.Combine(full, name);
            if (File.Exists(p)) throw new BadInputException($"{option}: '{Path.Combine(dir, name)}' is a file; it must be a directory (or absent)");
            if (Directory.Exists(p)) Probe(p, option, Path.Combine(dir, name));
        }
    }

    // Permission bits do not tell (root, ACLs, read-only mounts): create and delete a file to know.
    private static void Probe(string full, string option, string shown)
    {
        var probe = Path.Combine(full, $".simbias-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new BadInputException($"{option}: cannot write in '{shown}': {e.Message}"); }
    }
}
