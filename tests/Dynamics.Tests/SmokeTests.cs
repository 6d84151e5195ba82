using SimplicityBias.Dynamics.Network;

namespace SimplicityBias.Dynamics.Tests;

public class DatasetTests
{
    [Fact]
    public void Rejects_nonfinite_label_naming_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dataset(2, 1, new[] { 1.0, 2.0 }, new[] { 0.0, double.NaN }));
        Assert.Contains("y[1]", ex.Message);
    }

    [Fact]
    public void Csv_roundtrip_is_exact()
    {
        var d = new Dataset(3, 2, new[] { 1.0, 0.1, -2.5, 1e-17, 3, 4 }, new[] { 0.3, -1, 2 });
        var path = Path.GetTempFileName();
        d.SaveCsv(path);
        var e = Dataset.LoadCsv(path);
        File.Delete(path);
        Assert.Equal(d.X, e.X);
        Assert.Equal(d.Y, e.Y);
    }
}
