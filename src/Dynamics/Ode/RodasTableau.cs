namespace SimplicityBias.Dynamics.Ode;

/// <summary>
/// Coefficients of RODAS4 (Hairer &amp; Wanner, Solving ODEs II, section IV.7; code RODAS): a 6-stage, L-stable,
/// stiffly accurate Rosenbrock method of order 4 with an embedded order-3 solution and a 3rd-order dense output.
/// In the form (I/(h gamma) - J) U_i = f(t + c_i h, y + sum_j a_ij U_j) + sum_j (c_ij/h) U_j + d_i h f_t;
/// the embedded order-3 solution is y + sum_j a_5j U_j + U_5; the new solution adds U_6, which is also the error estimate.
/// </summary>
public static class RodasTableau
{
    /// <summary>gamma (diagonal).</summary>
    public const double Gamma = 0.25;
    /// <summary>Nodes.</summary>
    public const double C2 = 0.386, C3 = 0.21, C4 = 0.63;
    /// <summary>Stage coefficients a_ij.</summary>
    public const double
        A21 = 1.544,
        A31 = 0.9466785280815826, A32 = 0.2557011698983284,
        A41 = 3.314825187068521, A42 = 2.896124015972201, A43 = 0.9986419139977817,
        A51 = 1.221224509226641, A52 = 6.019134481288629, A53 = 12.53708332932087, A54 = -0.6878860361058950;
    /// <summary>Coupling coefficients c_ij (divided by h in use).</summary>
    public const double
        C21 = -5.6688,
        C31 = -2.430093356833875, C32 = -0.2063599157091915,
        C41 = -0.1073529058151375, C42 = -9.594562251023355, C43 = -20.47028614809616,
        C51 = 7.496443313967647, C52 = -10.24680431464352, C53 = -33.99990352819905, C54 = 11.70890893206160,
        C61 = 8.083246795921522, C62 = -7.981132988064893, C63 = -31.52159432874371, C64 = 16.31930543123136, C65 = -6.058818238834054;
    /// <summary>Weights of h f_t per stage (d5 = d6 = 0).</summary>
    public const double D1 = 0.25, D2 = -0.1043, D3 = 0.1035, D4 = -0.0362;
    /// <summary>Dense output coefficients.</summary>
    public const double
        H21 = 10.12623508344586, H22 = -7.487995877610167, H23 = -34.80091861555747, H24 = -7.992771707568823, H25 = 1.025137723295662,
        H31 = -0.6762803392801253, H32 = 6.087714651680015, H33 = 16.43084320892478, H34 = 24.76722511418386, H35 = -6.594389125716872;
}
