"""GENERATED FILE: do not edit. Printed by reference/rnn_bptt/generate_derived.py (sympy 1.14.0)
from the derivations in reference/rnn_bptt/derivations.py; regenerate with
`python reference/rnn_bptt/generate_derived.py`
(tests/test_derived_fresh.py fails when this file is stale).

Plain NumPy functions whose every formula was derived by sympy: the activation derivatives
(overflow-free forms, exact relative to their size), one entry J[i, j] of the one-step Jacobian
d h_t / d h_(t-1) for any H, and the BPTT gradients of L = sum(dh * h) + sum(dy * y) for an
unrolled sequence of the sizes in RNN_BACKWARD (evaluated on a whole batch at once).
checks/symbolic.py (beside this file) judges submissions with them; they share no code with the
reference solution.
"""
# ruff: noqa: E501
import numpy


def sigmoid_derivative(x):
    """d sigma / dx at the pre-activation x (any shape -> same shape), from exp(-Abs(x))/(1 + exp(-Abs(x)))**2."""
    x = numpy.asarray(x, dtype=numpy.float64)
    c0 = numpy.exp(-abs(x))
    return c0/(c0 + 1)**2


def tanh_derivative(x):
    """d tanh / dx at the pre-activation x (any shape -> same shape), from 4*exp(-2*Abs(x))/(1 + exp(-2*Abs(x)))**2."""
    x = numpy.asarray(x, dtype=numpy.float64)
    c0 = numpy.exp(-2*abs(x))
    return 4*c0/(c0 + 1)**2


def hidden_jacobian_tanh(h_t, W_hh):
    """J = d h_t / d h_(t-1) for h_t = tanh(x_t W_xh + h_(t-1) W_hh + b_h): h_t (H,), W_hh (H, H) -> (H, H), J[i, j] = (1 - h_t[i]**2)*W_hh[j, i]."""
    h_t = numpy.asarray(h_t, dtype=numpy.float64)
    W_hh = numpy.asarray(W_hh, dtype=numpy.float64)
    i, j = numpy.indices(W_hh.shape)  # every entry J[i, j] at once
    return (1 - h_t[i]**2)*W_hh[j, i]


def hidden_jacobian_sigmoid(h_t, W_hh):
    """J = d h_t / d h_(t-1) for h_t = sigmoid(x_t W_xh + h_(t-1) W_hh + b_h): h_t (H,), W_hh (H, H) -> (H, H), J[i, j] = (1 - h_t[i])*W_hh[j, i]*h_t[i]."""
    h_t = numpy.asarray(h_t, dtype=numpy.float64)
    W_hh = numpy.asarray(W_hh, dtype=numpy.float64)
    i, j = numpy.indices(W_hh.shape)  # every entry J[i, j] at once
    return (1 - h_t[i])*W_hh[j, i]*h_t[i]


HIDDEN_JACOBIAN = {'tanh': hidden_jacobian_tanh, 'sigmoid': hidden_jacobian_sigmoid}
JACOBIAN_ENTRY = {'tanh': '(1 - h_t[i]**2)*W_hh[j, i]', 'sigmoid': '(1 - h_t[i])*W_hh[j, i]*h_t[i]'}


def rnn_backward_3_2_3_2(dh, dy, x, h0, params):
    """Gradients of L = sum(dh * h) + sum(dy * y) for T=3, D=2, H=3, O=2 and any N, by sp.diff of one unrolled sequence (parameter gradients summed over the batch): {'W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y', 'dx', 'dh0'} -> arrays."""
    W_xh = numpy.asarray(params['W_xh'], dtype=numpy.float64)
    W_hh = numpy.asarray(params['W_hh'], dtype=numpy.float64)
    b_h = numpy.asarray(params['b_h'], dtype=numpy.float64)
    W_hy = numpy.asarray(params['W_hy'], dtype=numpy.float64)
    dh = numpy.moveaxis(numpy.asarray(dh, dtype=numpy.float64), 0, -1)  # batch axis last
    dy = numpy.moveaxis(numpy.asarray(dy, dtype=numpy.float64), 0, -1)  # batch axis last
    x = numpy.moveaxis(numpy.asarray(x, dtype=numpy.float64), 0, -1)  # batch axis last
    h0 = numpy.moveaxis(numpy.asarray(h0, dtype=numpy.float64), 0, -1)  # batch axis last
    c0 = W_hh[0, 0]*h0[0]
    c1 = W_hh[1, 0]*h0[1]
    c2 = W_hh[2, 0]*h0[2]
    c3 = numpy.tanh(c0 + c1 + c2 + W_xh[0, 0]*x[0, 0] + W_xh[1, 0]*x[0, 1] + b_h[0])
    c4 = 1 - c3**2
    c5 = c4*dh[0, 0]
    c6 = c4*W_hy[0, 0]
    c7 = c6*dy[0, 0]
    c8 = c4*W_hy[0, 1]
    c9 = c8*dy[0, 1]
    c10 = W_hh[0, 1]*h0[0]
    c11 = W_hh[1, 1]*h0[1]
    c12 = W_hh[2, 1]*h0[2]
    c13 = numpy.tanh(c10 + c11 + c12 + W_xh[0, 1]*x[0, 0] + W_xh[1, 1]*x[0, 1] + b_h[1])
    c14 = W_hh[0, 2]*h0[0]
    c15 = W_hh[1, 2]*h0[1]
    c16 = W_hh[2, 2]*h0[2]
    c17 = numpy.tanh(c14 + c15 + c16 + W_xh[0, 2]*x[0, 0] + W_xh[1, 2]*x[0, 1] + b_h[2])
    c18 = numpy.tanh(c13*W_hh[1, 1] + c17*W_hh[2, 1] + c3*W_hh[0, 1] + W_xh[0, 1]*x[1, 0] + W_xh[1, 1]*x[1, 1] + b_h[1])
    c19 = 1 - c18**2
    c20 = c4*W_hh[0, 1]
    c21 = c19*c20
    c22 = c21*dh[1, 1]
    c23 = numpy.tanh(c13*W_hh[1, 2] + c17*W_hh[2, 2] + c3*W_hh[0, 2] + W_xh[0, 2]*x[1, 0] + W_xh[1, 2]*x[1, 1] + b_h[2])
    c24 = 1 - c23**2
    c25 = c4*W_hh[0, 2]
    c26 = c24*c25
    c27 = c26*dh[1, 2]
    c28 = numpy.tanh(c13*W_hh[1, 0] + c17*W_hh[2, 0] + c3*W_hh[0, 0] + W_xh[0, 0]*x[1, 0] + W_xh[1, 0]*x[1, 1] + b_h[0])
    c29 = 1 - c28**2
    c30 = c4*W_hh[0, 0]
    c31 = c29*(c30*x[0, 0] + x[1, 0])
    c32 = c19*W_hy[1, 0]
    c33 = c20*c32
    c34 = c24*W_hy[2, 0]
    c35 = c25*c34
    c36 = c21*W_hy[1, 1]
    c37 = c26*W_hy[2, 1]
    c38 = numpy.tanh(c18*W_hh[1, 1] + c23*W_hh[2, 1] + c28*W_hh[0, 1] + W_xh[0, 1]*x[2, 0] + W_xh[1, 1]*x[2, 1] + b_h[1])
    c39 = 1 - c38**2
    c40 = c21*W_hh[1, 1]
    c41 = c26*W_hh[2, 1]
    c42 = c39*(c31*W_hh[0, 1] + c40*x[0, 0] + c41*x[0, 0])
    c43 = numpy.tanh(c18*W_hh[1, 2] + c23*W_hh[2, 2] + c28*W_hh[0, 2] + W_xh[0, 2]*x[2, 0] + W_xh[1, 2]*x[2, 1] + b_h[2])
    c44 = 1 - c43**2
    c45 = c21*W_hh[1, 2]
    c46 = c26*W_hh[2, 2]
    c47 = c44*(c31*W_hh[0, 2] + c45*x[0, 0] + c46*x[0, 0])
    c48 = numpy.tanh(c18*W_hh[1, 0] + c23*W_hh[2, 0] + c28*W_hh[0, 0] + W_xh[0, 0]*x[2, 0] + W_xh[1, 0]*x[2, 1] + b_h[0])
    c49 = 1 - c48**2
    c50 = c4*W_hh[1, 0]
    c51 = c50*W_hh[0, 1]
    c52 = c19*c51
    c53 = c4*W_hh[2, 0]
    c54 = c53*W_hh[0, 2]
    c55 = c24*c54
    c56 = c49*(c31*W_hh[0, 0] + c52*x[0, 0] + c55*x[0, 0] + x[2, 0])
    c57 = 1 - c13**2
    c58 = c57*dh[0, 1]
    c59 = c57*W_hy[1, 0]
    c60 = c59*dy[0, 0]
    c61 = c57*W_hy[1, 1]
    c62 = c61*dy[0, 1]
    c63 = c57*W_hh[1, 0]
    c64 = c29*c63
    c65 = c64*dh[1, 0]
    c66 = c57*W_hh[1, 2]
    c67 = c24*c66
    c68 = c67*dh[1, 2]
    c69 = c57*W_hh[1, 1]
    c70 = c19*(c69*x[0, 0] + x[1, 0])
    c71 = c64*W_hy[0, 0]
    c72 = c34*c66
    c73 = c64*W_hy[0, 1]
    c74 = c67*W_hy[2, 1]
    c75 = c29*W_hh[0, 0]
    c76 = c63*c75
    c77 = c67*W_hh[2, 0]
    c78 = c49*(c70*W_hh[1, 0] + c76*x[0, 0] + c77*x[0, 0])
    c79 = c64*W_hh[0, 2]
    c80 = c67*W_hh[2, 2]
    c81 = c44*(c70*W_hh[1, 2] + c79*x[0, 0] + c80*x[0, 0])
    c82 = c57*W_hh[0, 1]
    c83 = c82*W_hh[1, 0]
    c84 = c29*c83
    c85 = c57*W_hh[2, 1]
    c86 = c85*W_hh[1, 2]
    c87 = c24*c86
    c88 = c39*(c70*W_hh[1, 1] + c84*x[0, 0] + c87*x[0, 0] + x[2, 0])
    c89 = 1 - c17**2
    c90 = c89*dh[0, 2]
    c91 = c89*W_hy[2, 0]
    c92 = c91*dy[0, 0]
    c93 = c89*W_hy[2, 1]
    c94 = c93*dy[0, 1]
    c95 = c89*W_hh[2, 0]
    c96 = c29*c95
    c97 = c96*dh[1, 0]
    c98 = c89*W_hh[2, 1]
    c99 = c19*c98
    c100 = c99*dh[1, 1]
    c101 = c89*W_hh[2, 2]
    c102 = c24*(c101*x[0, 0] + x[1, 0])
    c103 = c96*W_hy[0, 0]
    c104 = c32*c98
    c105 = c96*W_hy[0, 1]
    c106 = c99*W_hy[1, 1]
    c107 = c75*c95
    c108 = c99*W_hh[1, 0]
    c109 = c49*(c102*W_hh[2, 0] + c107*x[0, 0] + c108*x[0, 0])
    c110 = c96*W_hh[0, 1]
    c111 = c99*W_hh[1, 1]
    c112 = c39*(c102*W_hh[2, 1] + c110*x[0, 0] + c111*x[0, 0])
    c113 = c89*W_hh[0, 2]
    c114 = c113*W_hh[2, 0]
    c115 = c114*c29
    c116 = c89*W_hh[1, 2]
    c117 = c116*W_hh[2, 1]
    c118 = c117*c19
    c119 = c44*(c102*W_hh[2, 2] + c115*x[0, 0] + c118*x[0, 0] + x[2, 0])
    c120 = c29*(c30*x[0, 1] + x[1, 1])
    c121 = c39*(c120*W_hh[0, 1] + c40*x[0, 1] + c41*x[0, 1])
    c122 = c44*(c120*W_hh[0, 2] + c45*x[0, 1] + c46*x[0, 1])
    c123 = c49*(c120*W_hh[0, 0] + c52*x[0, 1] + c55*x[0, 1] + x[2, 1])
    c124 = c19*(c69*x[0, 1] + x[1, 1])
    c125 = c49*(c124*W_hh[1, 0] + c76*x[0, 1] + c77*x[0, 1])
    c126 = c44*(c124*W_hh[1, 2] + c79*x[0, 1] + c80*x[0, 1])
    c127 = c39*(c124*W_hh[1, 1] + c84*x[0, 1] + c87*x[0, 1] + x[2, 1])
    c128 = c24*(c101*x[0, 1] + x[1, 1])
    c129 = c49*(c107*x[0, 1] + c108*x[0, 1] + c128*W_hh[2, 0])
    c130 = c39*(c110*x[0, 1] + c111*x[0, 1] + c128*W_hh[2, 1])
    c131 = c44*(c115*x[0, 1] + c118*x[0, 1] + c128*W_hh[2, 2] + x[2, 1])
    c132 = c10*c4
    c133 = c132*c19
    c134 = c14*c4
    c135 = c134*c24
    c136 = c29*(c0*c4 + c3)
    c137 = c39*(c133*W_hh[1, 1] + c135*W_hh[2, 1] + c136*W_hh[0, 1])
    c138 = c44*(c133*W_hh[1, 2] + c135*W_hh[2, 2] + c136*W_hh[0, 2])
    c139 = c49*(c10*c19*c50 + c136*W_hh[0, 0] + c14*c24*c53 + c28)
    c140 = c19*(c3 + c69*h0[0])
    c141 = c49*(c0*c64 + c140*W_hh[1, 0] + c77*h0[0])
    c142 = c44*(c14*c64 + c140*W_hh[1, 2] + c80*h0[0])
    c143 = c39*(c10*c64 + c140*W_hh[1, 1] + c28 + c87*h0[0])
    c144 = c24*(c101*h0[0] + c3)
    c145 = c49*(c0*c96 + c108*h0[0] + c144*W_hh[2, 0])
    c146 = c39*(c10*c96 + c111*h0[0] + c144*W_hh[2, 1])
    c147 = c44*(c118*h0[0] + c14*c96 + c144*W_hh[2, 2] + c28)
    c148 = c29*(c13 + c30*h0[1])
    c149 = c39*(c11*c21 + c148*W_hh[0, 1] + c41*h0[1])
    c150 = c44*(c148*W_hh[0, 2] + c15*c21 + c46*h0[1])
    c151 = c49*(c1*c21 + c148*W_hh[0, 0] + c18 + c55*h0[1])
    c152 = c1*c57
    c153 = c152*c29
    c154 = c15*c24
    c155 = c154*c57
    c156 = c19*(c11*c57 + c13)
    c157 = c49*(c152*c75 + c155*W_hh[2, 0] + c156*W_hh[1, 0])
    c158 = c44*(c153*W_hh[0, 2] + c155*W_hh[2, 2] + c156*W_hh[1, 2])
    c159 = c39*(c1*c29*c82 + c154*c85 + c156*W_hh[1, 1] + c18)
    c160 = c24*(c101*h0[1] + c13)
    c161 = c49*(c1*c99 + c107*h0[1] + c160*W_hh[2, 0])
    c162 = c39*(c11*c99 + c110*h0[1] + c160*W_hh[2, 1])
    c163 = c44*(c115*h0[1] + c15*c99 + c160*W_hh[2, 2] + c18)
    c164 = c29*(c17 + c30*h0[2])
    c165 = c39*(c12*c26 + c164*W_hh[0, 1] + c40*h0[2])
    c166 = c44*(c16*c26 + c164*W_hh[0, 2] + c45*h0[2])
    c167 = c49*(c164*W_hh[0, 0] + c2*c26 + c23 + c52*h0[2])
    c168 = c19*(c17 + c69*h0[2])
    c169 = c49*(c168*W_hh[1, 0] + c2*c67 + c76*h0[2])
    c170 = c44*(c16*c67 + c168*W_hh[1, 2] + c79*h0[2])
    c171 = c39*(c12*c67 + c168*W_hh[1, 1] + c23 + c84*h0[2])
    c172 = c2*c89
    c173 = c172*c29
    c174 = c12*c19
    c175 = c174*c89
    c176 = c24*(c16*c89 + c17)
    c177 = c49*(c172*c75 + c175*W_hh[1, 0] + c176*W_hh[2, 0])
    c178 = c39*(c173*W_hh[0, 1] + c175*W_hh[1, 1] + c176*W_hh[2, 1])
    c179 = c44*(c113*c2*c29 + c116*c174 + c176*W_hh[2, 2] + c23)
    c180 = c29*(c30 + 1)
    c181 = c39*(c180*W_hh[0, 1] + c40 + c41)
    c182 = c44*(c180*W_hh[0, 2] + c45 + c46)
    c183 = c49*(c180*W_hh[0, 0] + c52 + c55 + 1)
    c184 = c19*(c69 + 1)
    c185 = c49*(c184*W_hh[1, 0] + c76 + c77)
    c186 = c44*(c184*W_hh[1, 2] + c79 + c80)
    c187 = c39*(c184*W_hh[1, 1] + c84 + c87 + 1)
    c188 = c24*(c101 + 1)
    c189 = c49*(c107 + c108 + c188*W_hh[2, 0])
    c190 = c39*(c110 + c111 + c188*W_hh[2, 1])
    c191 = c44*(c115 + c118 + c188*W_hh[2, 2] + 1)
    c192 = c57*W_xh[0, 1]
    c193 = c89*W_xh[0, 2]
    c194 = c29*(c192*W_hh[1, 0] + c193*W_hh[2, 0] + c30*W_xh[0, 0])
    c195 = c4*W_xh[0, 0]
    c196 = c19*(c193*W_hh[2, 1] + c195*W_hh[0, 1] + c69*W_xh[0, 1])
    c197 = c24*(c101*W_xh[0, 2] + c192*W_hh[1, 2] + c195*W_hh[0, 2])
    c198 = c49*(c194*W_hh[0, 0] + c196*W_hh[1, 0] + c197*W_hh[2, 0])
    c199 = c39*(c194*W_hh[0, 1] + c196*W_hh[1, 1] + c197*W_hh[2, 1])
    c200 = c44*(c194*W_hh[0, 2] + c196*W_hh[1, 2] + c197*W_hh[2, 2])
    c201 = c57*W_xh[1, 1]
    c202 = c89*W_xh[1, 2]
    c203 = c29*(c201*W_hh[1, 0] + c202*W_hh[2, 0] + c30*W_xh[1, 0])
    c204 = c4*W_xh[1, 0]
    c205 = c19*(c202*W_hh[2, 1] + c204*W_hh[0, 1] + c69*W_xh[1, 1])
    c206 = c24*(c101*W_xh[1, 2] + c201*W_hh[1, 2] + c204*W_hh[0, 2])
    c207 = c49*(c203*W_hh[0, 0] + c205*W_hh[1, 0] + c206*W_hh[2, 0])
    c208 = c39*(c203*W_hh[0, 1] + c205*W_hh[1, 1] + c206*W_hh[2, 1])
    c209 = c44*(c203*W_hh[0, 2] + c205*W_hh[1, 2] + c206*W_hh[2, 2])
    c210 = c29*W_xh[0, 0]
    c211 = c19*W_xh[0, 1]
    c212 = c24*W_xh[0, 2]
    c213 = c49*(c210*W_hh[0, 0] + c211*W_hh[1, 0] + c212*W_hh[2, 0])
    c214 = c39*(c210*W_hh[0, 1] + c211*W_hh[1, 1] + c212*W_hh[2, 1])
    c215 = c44*(c210*W_hh[0, 2] + c211*W_hh[1, 2] + c212*W_hh[2, 2])
    c216 = c29*W_xh[1, 0]
    c217 = c19*W_xh[1, 1]
    c218 = c24*W_xh[1, 2]
    c219 = c49*(c216*W_hh[0, 0] + c217*W_hh[1, 0] + c218*W_hh[2, 0])
    c220 = c39*(c216*W_hh[0, 1] + c217*W_hh[1, 1] + c218*W_hh[2, 1])
    c221 = c44*(c216*W_hh[0, 2] + c217*W_hh[1, 2] + c218*W_hh[2, 2])
    c222 = c49*W_xh[0, 0]
    c223 = c39*W_xh[0, 1]
    c224 = c44*W_xh[0, 2]
    c225 = c49*W_xh[1, 0]
    c226 = c39*W_xh[1, 1]
    c227 = c44*W_xh[1, 2]
    c228 = c29*(c114 + c4*W_hh[0, 0]**2 + c83)
    c229 = c19*(c113*W_hh[2, 1] + c30*W_hh[0, 1] + c69*W_hh[0, 1])
    c230 = c24*(c101*W_hh[0, 2] + c30*W_hh[0, 2] + c82*W_hh[1, 2])
    c231 = c49*(c228*W_hh[0, 0] + c229*W_hh[1, 0] + c230*W_hh[2, 0])
    c232 = c39*(c228*W_hh[0, 1] + c229*W_hh[1, 1] + c230*W_hh[2, 1])
    c233 = c44*(c228*W_hh[0, 2] + c229*W_hh[1, 2] + c230*W_hh[2, 2])
    c234 = c19*(c117 + c51 + c57*W_hh[1, 1]**2)
    c235 = c29*(c116*W_hh[2, 0] + c30*W_hh[1, 0] + c69*W_hh[1, 0])
    c236 = c24*(c101*W_hh[1, 2] + c50*W_hh[0, 2] + c69*W_hh[1, 2])
    c237 = c49*(c234*W_hh[1, 0] + c235*W_hh[0, 0] + c236*W_hh[2, 0])
    c238 = c39*(c234*W_hh[1, 1] + c235*W_hh[0, 1] + c236*W_hh[2, 1])
    c239 = c44*(c234*W_hh[1, 2] + c235*W_hh[0, 2] + c236*W_hh[2, 2])
    c240 = c24*(c54 + c86 + c89*W_hh[2, 2]**2)
    c241 = c29*(c101*W_hh[2, 0] + c30*W_hh[2, 0] + c85*W_hh[1, 0])
    c242 = c19*(c101*W_hh[2, 1] + c53*W_hh[0, 1] + c69*W_hh[2, 1])
    c243 = c49*(c240*W_hh[2, 0] + c241*W_hh[0, 0] + c242*W_hh[1, 0])
    c244 = c39*(c240*W_hh[2, 1] + c241*W_hh[0, 1] + c242*W_hh[1, 1])
    c245 = c44*(c240*W_hh[2, 2] + c241*W_hh[0, 2] + c242*W_hh[1, 2])
    return {'W_xh': numpy.array([c22*x[0, 0] + c27*x[0, 0] + c31*dh[1, 0] + c42*dh[2, 1] + c47*dh[2, 2] + c5*x[0, 0] + c56*dh[2, 0] + c7*x[0, 0] + c9*x[0, 0] + (c31*W_hy[0, 0] + c33*x[0, 0] + c35*x[0, 0])*dy[1, 0] + (c31*W_hy[0, 1] + c36*x[0, 0] + c37*x[0, 0])*dy[1, 1] + (c42*W_hy[1, 0] + c47*W_hy[2, 0] + c56*W_hy[0, 0])*dy[2, 0] + (c42*W_hy[1, 1] + c47*W_hy[2, 1] + c56*W_hy[0, 1])*dy[2, 1], c58*x[0, 0] + c60*x[0, 0] + c62*x[0, 0] + c65*x[0, 0] + c68*x[0, 0] + c70*dh[1, 1] + c78*dh[2, 0] + c81*dh[2, 2] + c88*dh[2, 1] + (c70*W_hy[1, 0] + c71*x[0, 0] + c72*x[0, 0])*dy[1, 0] + (c70*W_hy[1, 1] + c73*x[0, 0] + c74*x[0, 0])*dy[1, 1] + (c78*W_hy[0, 0] + c81*W_hy[2, 0] + c88*W_hy[1, 0])*dy[2, 0] + (c78*W_hy[0, 1] + c81*W_hy[2, 1] + c88*W_hy[1, 1])*dy[2, 1], c100*x[0, 0] + c102*dh[1, 2] + c109*dh[2, 0] + c112*dh[2, 1] + c119*dh[2, 2] + c90*x[0, 0] + c92*x[0, 0] + c94*x[0, 0] + c97*x[0, 0] + (c102*W_hy[2, 0] + c103*x[0, 0] + c104*x[0, 0])*dy[1, 0] + (c102*W_hy[2, 1] + c105*x[0, 0] + c106*x[0, 0])*dy[1, 1] + (c109*W_hy[0, 0] + c112*W_hy[1, 0] + c119*W_hy[2, 0])*dy[2, 0] + (c109*W_hy[0, 1] + c112*W_hy[1, 1] + c119*W_hy[2, 1])*dy[2, 1], c120*dh[1, 0] + c121*dh[2, 1] + c122*dh[2, 2] + c123*dh[2, 0] + c22*x[0, 1] + c27*x[0, 1] + c5*x[0, 1] + c7*x[0, 1] + c9*x[0, 1] + (c120*W_hy[0, 0] + c33*x[0, 1] + c35*x[0, 1])*dy[1, 0] + (c120*W_hy[0, 1] + c36*x[0, 1] + c37*x[0, 1])*dy[1, 1] + (c121*W_hy[1, 0] + c122*W_hy[2, 0] + c123*W_hy[0, 0])*dy[2, 0] + (c121*W_hy[1, 1] + c122*W_hy[2, 1] + c123*W_hy[0, 1])*dy[2, 1], c124*dh[1, 1] + c125*dh[2, 0] + c126*dh[2, 2] + c127*dh[2, 1] + c58*x[0, 1] + c60*x[0, 1] + c62*x[0, 1] + c65*x[0, 1] + c68*x[0, 1] + (c124*W_hy[1, 0] + c71*x[0, 1] + c72*x[0, 1])*dy[1, 0] + (c124*W_hy[1, 1] + c73*x[0, 1] + c74*x[0, 1])*dy[1, 1] + (c125*W_hy[0, 0] + c126*W_hy[2, 0] + c127*W_hy[1, 0])*dy[2, 0] + (c125*W_hy[0, 1] + c126*W_hy[2, 1] + c127*W_hy[1, 1])*dy[2, 1], c100*x[0, 1] + c128*dh[1, 2] + c129*dh[2, 0] + c130*dh[2, 1] + c131*dh[2, 2] + c90*x[0, 1] + c92*x[0, 1] + c94*x[0, 1] + c97*x[0, 1] + (c103*x[0, 1] + c104*x[0, 1] + c128*W_hy[2, 0])*dy[1, 0] + (c105*x[0, 1] + c106*x[0, 1] + c128*W_hy[2, 1])*dy[1, 1] + (c129*W_hy[0, 0] + c130*W_hy[1, 0] + c131*W_hy[2, 0])*dy[2, 0] + (c129*W_hy[0, 1] + c130*W_hy[1, 1] + c131*W_hy[2, 1])*dy[2, 1]]).sum(axis=-1).reshape((2, 3)), 'W_hh': numpy.array([c133*dh[1, 1] + c135*dh[1, 2] + c136*dh[1, 0] + c137*dh[2, 1] + c138*dh[2, 2] + c139*dh[2, 0] + c5*h0[0] + c7*h0[0] + c9*h0[0] + (c132*c32 + c134*c34 + c136*W_hy[0, 0])*dy[1, 0] + (c133*W_hy[1, 1] + c135*W_hy[2, 1] + c136*W_hy[0, 1])*dy[1, 1] + (c137*W_hy[1, 0] + c138*W_hy[2, 0] + c139*W_hy[0, 0])*dy[2, 0] + (c137*W_hy[1, 1] + c138*W_hy[2, 1] + c139*W_hy[0, 1])*dy[2, 1], c140*dh[1, 1] + c141*dh[2, 0] + c142*dh[2, 2] + c143*dh[2, 1] + c58*h0[0] + c60*h0[0] + c62*h0[0] + c65*h0[0] + c68*h0[0] + (c140*W_hy[1, 0] + c71*h0[0] + c72*h0[0])*dy[1, 0] + (c140*W_hy[1, 1] + c73*h0[0] + c74*h0[0])*dy[1, 1] + (c141*W_hy[0, 0] + c142*W_hy[2, 0] + c143*W_hy[1, 0])*dy[2, 0] + (c141*W_hy[0, 1] + c142*W_hy[2, 1] + c143*W_hy[1, 1])*dy[2, 1], c100*h0[0] + c144*dh[1, 2] + c145*dh[2, 0] + c146*dh[2, 1] + c147*dh[2, 2] + c90*h0[0] + c92*h0[0] + c94*h0[0] + c97*h0[0] + (c103*h0[0] + c104*h0[0] + c144*W_hy[2, 0])*dy[1, 0] + (c105*h0[0] + c106*h0[0] + c144*W_hy[2, 1])*dy[1, 1] + (c145*W_hy[0, 0] + c146*W_hy[1, 0] + c147*W_hy[2, 0])*dy[2, 0] + (c145*W_hy[0, 1] + c146*W_hy[1, 1] + c147*W_hy[2, 1])*dy[2, 1], c148*dh[1, 0] + c149*dh[2, 1] + c150*dh[2, 2] + c151*dh[2, 0] + c22*h0[1] + c27*h0[1] + c5*h0[1] + c7*h0[1] + c9*h0[1] + (c148*W_hy[0, 0] + c33*h0[1] + c35*h0[1])*dy[1, 0] + (c148*W_hy[0, 1] + c36*h0[1] + c37*h0[1])*dy[1, 1] + (c149*W_hy[1, 0] + c150*W_hy[2, 0] + c151*W_hy[0, 0])*dy[2, 0] + (c149*W_hy[1, 1] + c150*W_hy[2, 1] + c151*W_hy[0, 1])*dy[2, 1], c153*dh[1, 0] + c155*dh[1, 2] + c156*dh[1, 1] + c157*dh[2, 0] + c158*dh[2, 2] + c159*dh[2, 1] + c58*h0[1] + c60*h0[1] + c62*h0[1] + (c153*W_hy[0, 1] + c155*W_hy[2, 1] + c156*W_hy[1, 1])*dy[1, 1] + (c157*W_hy[0, 0] + c158*W_hy[2, 0] + c159*W_hy[1, 0])*dy[2, 0] + (c157*W_hy[0, 1] + c158*W_hy[2, 1] + c159*W_hy[1, 1])*dy[2, 1] + (c15*c34*c57 + c153*W_hy[0, 0] + c156*W_hy[1, 0])*dy[1, 0], c100*h0[1] + c160*dh[1, 2] + c161*dh[2, 0] + c162*dh[2, 1] + c163*dh[2, 2] + c90*h0[1] + c92*h0[1] + c94*h0[1] + c97*h0[1] + (c103*h0[1] + c104*h0[1] + c160*W_hy[2, 0])*dy[1, 0] + (c105*h0[1] + c106*h0[1] + c160*W_hy[2, 1])*dy[1, 1] + (c161*W_hy[0, 0] + c162*W_hy[1, 0] + c163*W_hy[2, 0])*dy[2, 0] + (c161*W_hy[0, 1] + c162*W_hy[1, 1] + c163*W_hy[2, 1])*dy[2, 1], c164*dh[1, 0] + c165*dh[2, 1] + c166*dh[2, 2] + c167*dh[2, 0] + c22*h0[2] + c27*h0[2] + c5*h0[2] + c7*h0[2] + c9*h0[2] + (c164*W_hy[0, 0] + c33*h0[2] + c35*h0[2])*dy[1, 0] + (c164*W_hy[0, 1] + c36*h0[2] + c37*h0[2])*dy[1, 1] + (c165*W_hy[1, 0] + c166*W_hy[2, 0] + c167*W_hy[0, 0])*dy[2, 0] + (c165*W_hy[1, 1] + c166*W_hy[2, 1] + c167*W_hy[0, 1])*dy[2, 1], c168*dh[1, 1] + c169*dh[2, 0] + c170*dh[2, 2] + c171*dh[2, 1] + c58*h0[2] + c60*h0[2] + c62*h0[2] + c65*h0[2] + c68*h0[2] + (c168*W_hy[1, 0] + c71*h0[2] + c72*h0[2])*dy[1, 0] + (c168*W_hy[1, 1] + c73*h0[2] + c74*h0[2])*dy[1, 1] + (c169*W_hy[0, 0] + c170*W_hy[2, 0] + c171*W_hy[1, 0])*dy[2, 0] + (c169*W_hy[0, 1] + c170*W_hy[2, 1] + c171*W_hy[1, 1])*dy[2, 1], c173*dh[1, 0] + c175*dh[1, 1] + c176*dh[1, 2] + c177*dh[2, 0] + c178*dh[2, 1] + c179*dh[2, 2] + c90*h0[2] + c92*h0[2] + c94*h0[2] + (c173*W_hy[0, 1] + c175*W_hy[1, 1] + c176*W_hy[2, 1])*dy[1, 1] + (c177*W_hy[0, 0] + c178*W_hy[1, 0] + c179*W_hy[2, 0])*dy[2, 0] + (c177*W_hy[0, 1] + c178*W_hy[1, 1] + c179*W_hy[2, 1])*dy[2, 1] + (c12*c32*c89 + c173*W_hy[0, 0] + c176*W_hy[2, 0])*dy[1, 0]]).sum(axis=-1).reshape((3, 3)), 'b_h': numpy.array([c180*dh[1, 0] + c181*dh[2, 1] + c182*dh[2, 2] + c183*dh[2, 0] + c22 + c27 + c5 + c7 + c9 + (c180*W_hy[0, 0] + c33 + c35)*dy[1, 0] + (c180*W_hy[0, 1] + c36 + c37)*dy[1, 1] + (c181*W_hy[1, 0] + c182*W_hy[2, 0] + c183*W_hy[0, 0])*dy[2, 0] + (c181*W_hy[1, 1] + c182*W_hy[2, 1] + c183*W_hy[0, 1])*dy[2, 1], c184*dh[1, 1] + c185*dh[2, 0] + c186*dh[2, 2] + c187*dh[2, 1] + c58 + c60 + c62 + c65 + c68 + (c184*W_hy[1, 0] + c71 + c72)*dy[1, 0] + (c184*W_hy[1, 1] + c73 + c74)*dy[1, 1] + (c185*W_hy[0, 0] + c186*W_hy[2, 0] + c187*W_hy[1, 0])*dy[2, 0] + (c185*W_hy[0, 1] + c186*W_hy[2, 1] + c187*W_hy[1, 1])*dy[2, 1], c100 + c188*dh[1, 2] + c189*dh[2, 0] + c190*dh[2, 1] + c191*dh[2, 2] + c90 + c92 + c94 + c97 + (c103 + c104 + c188*W_hy[2, 0])*dy[1, 0] + (c105 + c106 + c188*W_hy[2, 1])*dy[1, 1] + (c189*W_hy[0, 0] + c190*W_hy[1, 0] + c191*W_hy[2, 0])*dy[2, 0] + (c189*W_hy[0, 1] + c190*W_hy[1, 1] + c191*W_hy[2, 1])*dy[2, 1]]).sum(axis=-1).reshape((3,)), 'W_hy': numpy.array([c28*dy[1, 0] + c3*dy[0, 0] + c48*dy[2, 0], c28*dy[1, 1] + c3*dy[0, 1] + c48*dy[2, 1], c13*dy[0, 0] + c18*dy[1, 0] + c38*dy[2, 0], c13*dy[0, 1] + c18*dy[1, 1] + c38*dy[2, 1], c17*dy[0, 0] + c23*dy[1, 0] + c43*dy[2, 0], c17*dy[0, 1] + c23*dy[1, 1] + c43*dy[2, 1]]).sum(axis=-1).reshape((3, 2)), 'b_y': numpy.array([dy[0, 0] + dy[1, 0] + dy[2, 0], dy[0, 1] + dy[1, 1] + dy[2, 1]]).sum(axis=-1).reshape((2,)), 'dx': numpy.moveaxis(numpy.array([c194*dh[1, 0] + c196*dh[1, 1] + c197*dh[1, 2] + c198*dh[2, 0] + c199*dh[2, 1] + c200*dh[2, 2] + c5*W_xh[0, 0] + c58*W_xh[0, 1] + c90*W_xh[0, 2] + (c194*W_hy[0, 0] + c196*W_hy[1, 0] + c197*W_hy[2, 0])*dy[1, 0] + (c194*W_hy[0, 1] + c196*W_hy[1, 1] + c197*W_hy[2, 1])*dy[1, 1] + (c198*W_hy[0, 0] + c199*W_hy[1, 0] + c200*W_hy[2, 0])*dy[2, 0] + (c198*W_hy[0, 1] + c199*W_hy[1, 1] + c200*W_hy[2, 1])*dy[2, 1] + (c59*W_xh[0, 1] + c6*W_xh[0, 0] + c91*W_xh[0, 2])*dy[0, 0] + (c61*W_xh[0, 1] + c8*W_xh[0, 0] + c93*W_xh[0, 2])*dy[0, 1], c203*dh[1, 0] + c205*dh[1, 1] + c206*dh[1, 2] + c207*dh[2, 0] + c208*dh[2, 1] + c209*dh[2, 2] + c5*W_xh[1, 0] + c58*W_xh[1, 1] + c90*W_xh[1, 2] + (c203*W_hy[0, 0] + c205*W_hy[1, 0] + c206*W_hy[2, 0])*dy[1, 0] + (c203*W_hy[0, 1] + c205*W_hy[1, 1] + c206*W_hy[2, 1])*dy[1, 1] + (c207*W_hy[0, 0] + c208*W_hy[1, 0] + c209*W_hy[2, 0])*dy[2, 0] + (c207*W_hy[0, 1] + c208*W_hy[1, 1] + c209*W_hy[2, 1])*dy[2, 1] + (c59*W_xh[1, 1] + c6*W_xh[1, 0] + c91*W_xh[1, 2])*dy[0, 0] + (c61*W_xh[1, 1] + c8*W_xh[1, 0] + c93*W_xh[1, 2])*dy[0, 1], c210*dh[1, 0] + c211*dh[1, 1] + c212*dh[1, 2] + c213*dh[2, 0] + c214*dh[2, 1] + c215*dh[2, 2] + (c210*W_hy[0, 0] + c211*W_hy[1, 0] + c212*W_hy[2, 0])*dy[1, 0] + (c210*W_hy[0, 1] + c211*W_hy[1, 1] + c212*W_hy[2, 1])*dy[1, 1] + (c213*W_hy[0, 0] + c214*W_hy[1, 0] + c215*W_hy[2, 0])*dy[2, 0] + (c213*W_hy[0, 1] + c214*W_hy[1, 1] + c215*W_hy[2, 1])*dy[2, 1], c216*dh[1, 0] + c217*dh[1, 1] + c218*dh[1, 2] + c219*dh[2, 0] + c220*dh[2, 1] + c221*dh[2, 2] + (c216*W_hy[0, 0] + c217*W_hy[1, 0] + c218*W_hy[2, 0])*dy[1, 0] + (c216*W_hy[0, 1] + c217*W_hy[1, 1] + c218*W_hy[2, 1])*dy[1, 1] + (c219*W_hy[0, 0] + c220*W_hy[1, 0] + c221*W_hy[2, 0])*dy[2, 0] + (c219*W_hy[0, 1] + c220*W_hy[1, 1] + c221*W_hy[2, 1])*dy[2, 1], c222*dh[2, 0] + c223*dh[2, 1] + c224*dh[2, 2] + (c222*W_hy[0, 0] + c223*W_hy[1, 0] + c224*W_hy[2, 0])*dy[2, 0] + (c222*W_hy[0, 1] + c223*W_hy[1, 1] + c224*W_hy[2, 1])*dy[2, 1], c225*dh[2, 0] + c226*dh[2, 1] + c227*dh[2, 2] + (c225*W_hy[0, 0] + c226*W_hy[1, 0] + c227*W_hy[2, 0])*dy[2, 0] + (c225*W_hy[0, 1] + c226*W_hy[1, 1] + c227*W_hy[2, 1])*dy[2, 1]]).reshape((3, 2, -1)), -1, 0), 'dh0': numpy.moveaxis(numpy.array([c228*dh[1, 0] + c229*dh[1, 1] + c230*dh[1, 2] + c231*dh[2, 0] + c232*dh[2, 1] + c233*dh[2, 2] + c5*W_hh[0, 0] + c58*W_hh[0, 1] + c90*W_hh[0, 2] + (c228*W_hy[0, 0] + c229*W_hy[1, 0] + c230*W_hy[2, 0])*dy[1, 0] + (c228*W_hy[0, 1] + c229*W_hy[1, 1] + c230*W_hy[2, 1])*dy[1, 1] + (c231*W_hy[0, 0] + c232*W_hy[1, 0] + c233*W_hy[2, 0])*dy[2, 0] + (c231*W_hy[0, 1] + c232*W_hy[1, 1] + c233*W_hy[2, 1])*dy[2, 1] + (c30*W_hy[0, 0] + c59*W_hh[0, 1] + c91*W_hh[0, 2])*dy[0, 0] + (c30*W_hy[0, 1] + c61*W_hh[0, 1] + c93*W_hh[0, 2])*dy[0, 1], c234*dh[1, 1] + c235*dh[1, 0] + c236*dh[1, 2] + c237*dh[2, 0] + c238*dh[2, 1] + c239*dh[2, 2] + c5*W_hh[1, 0] + c58*W_hh[1, 1] + c90*W_hh[1, 2] + (c234*W_hy[1, 0] + c235*W_hy[0, 0] + c236*W_hy[2, 0])*dy[1, 0] + (c234*W_hy[1, 1] + c235*W_hy[0, 1] + c236*W_hy[2, 1])*dy[1, 1] + (c237*W_hy[0, 0] + c238*W_hy[1, 0] + c239*W_hy[2, 0])*dy[2, 0] + (c237*W_hy[0, 1] + c238*W_hy[1, 1] + c239*W_hy[2, 1])*dy[2, 1] + (c6*W_hh[1, 0] + c69*W_hy[1, 0] + c91*W_hh[1, 2])*dy[0, 0] + (c69*W_hy[1, 1] + c8*W_hh[1, 0] + c93*W_hh[1, 2])*dy[0, 1], c240*dh[1, 2] + c241*dh[1, 0] + c242*dh[1, 1] + c243*dh[2, 0] + c244*dh[2, 1] + c245*dh[2, 2] + c5*W_hh[2, 0] + c58*W_hh[2, 1] + c90*W_hh[2, 2] + (c101*W_hy[2, 0] + c59*W_hh[2, 1] + c6*W_hh[2, 0])*dy[0, 0] + (c101*W_hy[2, 1] + c61*W_hh[2, 1] + c8*W_hh[2, 0])*dy[0, 1] + (c240*W_hy[2, 0] + c241*W_hy[0, 0] + c242*W_hy[1, 0])*dy[1, 0] + (c240*W_hy[2, 1] + c241*W_hy[0, 1] + c242*W_hy[1, 1])*dy[1, 1] + (c243*W_hy[0, 0] + c244*W_hy[1, 0] + c245*W_hy[2, 0])*dy[2, 0] + (c243*W_hy[0, 1] + c244*W_hy[1, 1] + c245*W_hy[2, 1])*dy[2, 1]]).reshape((3, -1)), -1, 0)}


def rnn_backward_4_3_2_1(dh, dy, x, h0, params):
    """Gradients of L = sum(dh * h) + sum(dy * y) for T=4, D=3, H=2, O=1 and any N, by sp.diff of one unrolled sequence (parameter gradients summed over the batch): {'W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y', 'dx', 'dh0'} -> arrays."""
    W_xh = numpy.asarray(params['W_xh'], dtype=numpy.float64)
    W_hh = numpy.asarray(params['W_hh'], dtype=numpy.float64)
    b_h = numpy.asarray(params['b_h'], dtype=numpy.float64)
    W_hy = numpy.asarray(params['W_hy'], dtype=numpy.float64)
    dh = numpy.moveaxis(numpy.asarray(dh, dtype=numpy.float64), 0, -1)  # batch axis last
    dy = numpy.moveaxis(numpy.asarray(dy, dtype=numpy.float64), 0, -1)  # batch axis last
    x = numpy.moveaxis(numpy.asarray(x, dtype=numpy.float64), 0, -1)  # batch axis last
    h0 = numpy.moveaxis(numpy.asarray(h0, dtype=numpy.float64), 0, -1)  # batch axis last
    c0 = W_hh[0, 0]*h0[0]
    c1 = W_hh[1, 0]*h0[1]
    c2 = numpy.tanh(c0 + c1 + W_xh[0, 0]*x[0, 0] + W_xh[1, 0]*x[0, 1] + W_xh[2, 0]*x[0, 2] + b_h[0])
    c3 = 1 - c2**2
    c4 = c3*dh[0, 0]
    c5 = c3*W_hy[0, 0]
    c6 = c5*dy[0, 0]
    c7 = W_hh[0, 1]*h0[0]
    c8 = W_hh[1, 1]*h0[1]
    c9 = numpy.tanh(c7 + c8 + W_xh[0, 1]*x[0, 0] + W_xh[1, 1]*x[0, 1] + W_xh[2, 1]*x[0, 2] + b_h[1])
    c10 = numpy.tanh(c2*W_hh[0, 1] + c9*W_hh[1, 1] + W_xh[0, 1]*x[1, 0] + W_xh[1, 1]*x[1, 1] + W_xh[2, 1]*x[1, 2] + b_h[1])
    c11 = 1 - c10**2
    c12 = c3*W_hh[0, 1]
    c13 = c11*c12
    c14 = c13*dh[1, 1]
    c15 = numpy.tanh(c2*W_hh[0, 0] + c9*W_hh[1, 0] + W_xh[0, 0]*x[1, 0] + W_xh[1, 0]*x[1, 1] + W_xh[2, 0]*x[1, 2] + b_h[0])
    c16 = 1 - c15**2
    c17 = c3*W_hh[0, 0]
    c18 = c16*(c17*x[0, 0] + x[1, 0])
    c19 = c13*W_hy[1, 0]
    c20 = numpy.tanh(c10*W_hh[1, 1] + c15*W_hh[0, 1] + W_xh[0, 1]*x[2, 0] + W_xh[1, 1]*x[2, 1] + W_xh[2, 1]*x[2, 2] + b_h[1])
    c21 = 1 - c20**2
    c22 = c13*W_hh[1, 1]
    c23 = c21*(c18*W_hh[0, 1] + c22*x[0, 0])
    c24 = numpy.tanh(c10*W_hh[1, 0] + c15*W_hh[0, 0] + W_xh[0, 0]*x[2, 0] + W_xh[1, 0]*x[2, 1] + W_xh[2, 0]*x[2, 2] + b_h[0])
    c25 = 1 - c24**2
    c26 = c12*W_hh[1, 0]
    c27 = c11*c26
    c28 = c25*(c18*W_hh[0, 0] + c27*x[0, 0] + x[2, 0])
    c29 = numpy.tanh(c20*W_hh[1, 1] + c24*W_hh[0, 1] + W_xh[0, 1]*x[3, 0] + W_xh[1, 1]*x[3, 1] + W_xh[2, 1]*x[3, 2] + b_h[1])
    c30 = 1 - c29**2
    c31 = c30*(c23*W_hh[1, 1] + c28*W_hh[0, 1])
    c32 = numpy.tanh(c20*W_hh[1, 0] + c24*W_hh[0, 0] + W_xh[0, 0]*x[3, 0] + W_xh[1, 0]*x[3, 1] + W_xh[2, 0]*x[3, 2] + b_h[0])
    c33 = 1 - c32**2
    c34 = c33*(c23*W_hh[1, 0] + c28*W_hh[0, 0] + x[3, 0])
    c35 = 1 - c9**2
    c36 = c35*dh[0, 1]
    c37 = c35*W_hy[1, 0]
    c38 = c37*dy[0, 0]
    c39 = c35*W_hh[1, 0]
    c40 = c16*c39
    c41 = c40*dh[1, 0]
    c42 = c35*W_hh[1, 1]
    c43 = c11*(c42*x[0, 0] + x[1, 0])
    c44 = c40*W_hy[0, 0]
    c45 = c40*W_hh[0, 0]
    c46 = c25*(c43*W_hh[1, 0] + c45*x[0, 0])
    c47 = c39*W_hh[0, 1]
    c48 = c16*c47
    c49 = c21*(c43*W_hh[1, 1] + c48*x[0, 0] + x[2, 0])
    c50 = c33*(c46*W_hh[0, 0] + c49*W_hh[1, 0])
    c51 = c30*(c46*W_hh[0, 1] + c49*W_hh[1, 1] + x[3, 0])
    c52 = c16*(c17*x[0, 1] + x[1, 1])
    c53 = c21*(c22*x[0, 1] + c52*W_hh[0, 1])
    c54 = c25*(c27*x[0, 1] + c52*W_hh[0, 0] + x[2, 1])
    c55 = c30*(c53*W_hh[1, 1] + c54*W_hh[0, 1])
    c56 = c33*(c53*W_hh[1, 0] + c54*W_hh[0, 0] + x[3, 1])
    c57 = c11*(c42*x[0, 1] + x[1, 1])
    c58 = c25*(c45*x[0, 1] + c57*W_hh[1, 0])
    c59 = c21*(c48*x[0, 1] + c57*W_hh[1, 1] + x[2, 1])
    c60 = c33*(c58*W_hh[0, 0] + c59*W_hh[1, 0])
    c61 = c30*(c58*W_hh[0, 1] + c59*W_hh[1, 1] + x[3, 1])
    c62 = c16*(c17*x[0, 2] + x[1, 2])
    c63 = c21*(c22*x[0, 2] + c62*W_hh[0, 1])
    c64 = c25*(c27*x[0, 2] + c62*W_hh[0, 0] + x[2, 2])
    c65 = c30*(c63*W_hh[1, 1] + c64*W_hh[0, 1])
    c66 = c33*(c63*W_hh[1, 0] + c64*W_hh[0, 0] + x[3, 2])
    c67 = c11*(c42*x[0, 2] + x[1, 2])
    c68 = c25*(c45*x[0, 2] + c67*W_hh[1, 0])
    c69 = c21*(c48*x[0, 2] + c67*W_hh[1, 1] + x[2, 2])
    c70 = c33*(c68*W_hh[0, 0] + c69*W_hh[1, 0])
    c71 = c30*(c68*W_hh[0, 1] + c69*W_hh[1, 1] + x[3, 2])
    c72 = c11*c3*c7
    c73 = c16*(c0*c3 + c2)
    c74 = c21*(c72*W_hh[1, 1] + c73*W_hh[0, 1])
    c75 = c25*(c15 + c72*W_hh[1, 0] + c73*W_hh[0, 0])
    c76 = c30*(c74*W_hh[1, 1] + c75*W_hh[0, 1])
    c77 = c33*(c24 + c74*W_hh[1, 0] + c75*W_hh[0, 0])
    c78 = c11*(c2 + c42*h0[0])
    c79 = c25*(c0*c40 + c78*W_hh[1, 0])
    c80 = c21*(c15 + c40*c7 + c78*W_hh[1, 1])
    c81 = c33*(c79*W_hh[0, 0] + c80*W_hh[1, 0])
    c82 = c30*(c24 + c79*W_hh[0, 1] + c80*W_hh[1, 1])
    c83 = c16*(c17*h0[1] + c9)
    c84 = c21*(c13*c8 + c83*W_hh[0, 1])
    c85 = c25*(c1*c13 + c10 + c83*W_hh[0, 0])
    c86 = c30*(c84*W_hh[1, 1] + c85*W_hh[0, 1])
    c87 = c33*(c20 + c84*W_hh[1, 0] + c85*W_hh[0, 0])
    c88 = c1*c16*c35
    c89 = c11*(c35*c8 + c9)
    c90 = c25*(c88*W_hh[0, 0] + c89*W_hh[1, 0])
    c91 = c21*(c10 + c88*W_hh[0, 1] + c89*W_hh[1, 1])
    c92 = c33*(c90*W_hh[0, 0] + c91*W_hh[1, 0])
    c93 = c30*(c20 + c90*W_hh[0, 1] + c91*W_hh[1, 1])
    c94 = c16*(c17 + 1)
    c95 = c21*(c22 + c94*W_hh[0, 1])
    c96 = c25*(c27 + c94*W_hh[0, 0] + 1)
    c97 = c30*(c95*W_hh[1, 1] + c96*W_hh[0, 1])
    c98 = c33*(c95*W_hh[1, 0] + c96*W_hh[0, 0] + 1)
    c99 = c11*(c42 + 1)
    c100 = c25*(c45 + c99*W_hh[1, 0])
    c101 = c21*(c48 + c99*W_hh[1, 1] + 1)
    c102 = c33*(c100*W_hh[0, 0] + c101*W_hh[1, 0])
    c103 = c30*(c100*W_hh[0, 1] + c101*W_hh[1, 1] + 1)
    c104 = c16*(c17*W_xh[0, 0] + c39*W_xh[0, 1])
    c105 = c11*(c12*W_xh[0, 0] + c42*W_xh[0, 1])
    c106 = c25*(c104*W_hh[0, 0] + c105*W_hh[1, 0])
    c107 = c21*(c104*W_hh[0, 1] + c105*W_hh[1, 1])
    c108 = c33*(c106*W_hh[0, 0] + c107*W_hh[1, 0])
    c109 = c30*(c106*W_hh[0, 1] + c107*W_hh[1, 1])
    c110 = c16*(c17*W_xh[1, 0] + c39*W_xh[1, 1])
    c111 = c11*(c12*W_xh[1, 0] + c42*W_xh[1, 1])
    c112 = c25*(c110*W_hh[0, 0] + c111*W_hh[1, 0])
    c113 = c21*(c110*W_hh[0, 1] + c111*W_hh[1, 1])
    c114 = c33*(c112*W_hh[0, 0] + c113*W_hh[1, 0])
    c115 = c30*(c112*W_hh[0, 1] + c113*W_hh[1, 1])
    c116 = c16*(c17*W_xh[2, 0] + c39*W_xh[2, 1])
    c117 = c11*(c12*W_xh[2, 0] + c42*W_xh[2, 1])
    c118 = c25*(c116*W_hh[0, 0] + c117*W_hh[1, 0])
    c119 = c21*(c116*W_hh[0, 1] + c117*W_hh[1, 1])
    c120 = c33*(c118*W_hh[0, 0] + c119*W_hh[1, 0])
    c121 = c30*(c118*W_hh[0, 1] + c119*W_hh[1, 1])
    c122 = c16*W_xh[0, 0]
    c123 = c11*W_xh[0, 1]
    c124 = c25*(c122*W_hh[0, 0] + c123*W_hh[1, 0])
    c125 = c21*(c122*W_hh[0, 1] + c123*W_hh[1, 1])
    c126 = c33*(c124*W_hh[0, 0] + c125*W_hh[1, 0])
    c127 = c30*(c124*W_hh[0, 1] + c125*W_hh[1, 1])
    c128 = c16*W_xh[1, 0]
    c129 = c11*W_xh[1, 1]
    c130 = c25*(c128*W_hh[0, 0] + c129*W_hh[1, 0])
    c131 = c21*(c128*W_hh[0, 1] + c129*W_hh[1, 1])
    c132 = c33*(c130*W_hh[0, 0] + c131*W_hh[1, 0])
    c133 = c30*(c130*W_hh[0, 1] + c131*W_hh[1, 1])
    c134 = c16*W_xh[2, 0]
    c135 = c11*W_xh[2, 1]
    c136 = c25*(c134*W_hh[0, 0] + c135*W_hh[1, 0])
    c137 = c21*(c134*W_hh[0, 1] + c135*W_hh[1, 1])
    c138 = c33*(c136*W_hh[0, 0] + c137*W_hh[1, 0])
    c139 = c30*(c136*W_hh[0, 1] + c137*W_hh[1, 1])
    c140 = c25*W_xh[0, 0]
    c141 = c21*W_xh[0, 1]
    c142 = c33*(c140*W_hh[0, 0] + c141*W_hh[1, 0])
    c143 = c30*(c140*W_hh[0, 1] + c141*W_hh[1, 1])
    c144 = c25*W_xh[1, 0]
    c145 = c21*W_xh[1, 1]
    c146 = c33*(c144*W_hh[0, 0] + c145*W_hh[1, 0])
    c147 = c30*(c144*W_hh[0, 1] + c145*W_hh[1, 1])
    c148 = c25*W_xh[2, 0]
    c149 = c21*W_xh[2, 1]
    c150 = c33*(c148*W_hh[0, 0] + c149*W_hh[1, 0])
    c151 = c30*(c148*W_hh[0, 1] + c149*W_hh[1, 1])
    c152 = c33*W_xh[0, 0]
    c153 = c30*W_xh[0, 1]
    c154 = c33*W_xh[1, 0]
    c155 = c30*W_xh[1, 1]
    c156 = c33*W_xh[2, 0]
    c157 = c30*W_xh[2, 1]
    c158 = c16*(c3*W_hh[0, 0]**2 + c47)
    c159 = c11*(c17*W_hh[0, 1] + c42*W_hh[0, 1])
    c160 = c25*(c158*W_hh[0, 0] + c159*W_hh[1, 0])
    c161 = c21*(c158*W_hh[0, 1] + c159*W_hh[1, 1])
    c162 = c33*(c160*W_hh[0, 0] + c161*W_hh[1, 0])
    c163 = c30*(c160*W_hh[0, 1] + c161*W_hh[1, 1])
    c164 = c11*(c26 + c35*W_hh[1, 1]**2)
    c165 = c16*(c17*W_hh[1, 0] + c42*W_hh[1, 0])
    c166 = c25*(c164*W_hh[1, 0] + c165*W_hh[0, 0])
    c167 = c21*(c164*W_hh[1, 1] + c165*W_hh[0, 1])
    c168 = c33*(c166*W_hh[0, 0] + c167*W_hh[1, 0])
    c169 = c30*(c166*W_hh[0, 1] + c167*W_hh[1, 1])
    return {'W_xh': numpy.array([c14*x[0, 0] + c18*dh[1, 0] + c23*dh[2, 1] + c28*dh[2, 0] + c31*dh[3, 1] + c34*dh[3, 0] + c4*x[0, 0] + c6*x[0, 0] + (c18*W_hy[0, 0] + c19*x[0, 0])*dy[1, 0] + (c23*W_hy[1, 0] + c28*W_hy[0, 0])*dy[2, 0] + (c31*W_hy[1, 0] + c34*W_hy[0, 0])*dy[3, 0], c36*x[0, 0] + c38*x[0, 0] + c41*x[0, 0] + c43*dh[1, 1] + c46*dh[2, 0] + c49*dh[2, 1] + c50*dh[3, 0] + c51*dh[3, 1] + (c43*W_hy[1, 0] + c44*x[0, 0])*dy[1, 0] + (c46*W_hy[0, 0] + c49*W_hy[1, 0])*dy[2, 0] + (c50*W_hy[0, 0] + c51*W_hy[1, 0])*dy[3, 0], c14*x[0, 1] + c4*x[0, 1] + c52*dh[1, 0] + c53*dh[2, 1] + c54*dh[2, 0] + c55*dh[3, 1] + c56*dh[3, 0] + c6*x[0, 1] + (c19*x[0, 1] + c52*W_hy[0, 0])*dy[1, 0] + (c53*W_hy[1, 0] + c54*W_hy[0, 0])*dy[2, 0] + (c55*W_hy[1, 0] + c56*W_hy[0, 0])*dy[3, 0], c36*x[0, 1] + c38*x[0, 1] + c41*x[0, 1] + c57*dh[1, 1] + c58*dh[2, 0] + c59*dh[2, 1] + c60*dh[3, 0] + c61*dh[3, 1] + (c44*x[0, 1] + c57*W_hy[1, 0])*dy[1, 0] + (c58*W_hy[0, 0] + c59*W_hy[1, 0])*dy[2, 0] + (c60*W_hy[0, 0] + c61*W_hy[1, 0])*dy[3, 0], c14*x[0, 2] + c4*x[0, 2] + c6*x[0, 2] + c62*dh[1, 0] + c63*dh[2, 1] + c64*dh[2, 0] + c65*dh[3, 1] + c66*dh[3, 0] + (c19*x[0, 2] + c62*W_hy[0, 0])*dy[1, 0] + (c63*W_hy[1, 0] + c64*W_hy[0, 0])*dy[2, 0] + (c65*W_hy[1, 0] + c66*W_hy[0, 0])*dy[3, 0], c36*x[0, 2] + c38*x[0, 2] + c41*x[0, 2] + c67*dh[1, 1] + c68*dh[2, 0] + c69*dh[2, 1] + c70*dh[3, 0] + c71*dh[3, 1] + (c44*x[0, 2] + c67*W_hy[1, 0])*dy[1, 0] + (c68*W_hy[0, 0] + c69*W_hy[1, 0])*dy[2, 0] + (c70*W_hy[0, 0] + c71*W_hy[1, 0])*dy[3, 0]]).sum(axis=-1).reshape((3, 2)), 'W_hh': numpy.array([c4*h0[0] + c6*h0[0] + c72*dh[1, 1] + c73*dh[1, 0] + c74*dh[2, 1] + c75*dh[2, 0] + c76*dh[3, 1] + c77*dh[3, 0] + (c72*W_hy[1, 0] + c73*W_hy[0, 0])*dy[1, 0] + (c74*W_hy[1, 0] + c75*W_hy[0, 0])*dy[2, 0] + (c76*W_hy[1, 0] + c77*W_hy[0, 0])*dy[3, 0], c36*h0[0] + c38*h0[0] + c41*h0[0] + c78*dh[1, 1] + c79*dh[2, 0] + c80*dh[2, 1] + c81*dh[3, 0] + c82*dh[3, 1] + (c44*h0[0] + c78*W_hy[1, 0])*dy[1, 0] + (c79*W_hy[0, 0] + c80*W_hy[1, 0])*dy[2, 0] + (c81*W_hy[0, 0] + c82*W_hy[1, 0])*dy[3, 0], c14*h0[1] + c4*h0[1] + c6*h0[1] + c83*dh[1, 0] + c84*dh[2, 1] + c85*dh[2, 0] + c86*dh[3, 1] + c87*dh[3, 0] + (c19*h0[1] + c83*W_hy[0, 0])*dy[1, 0] + (c84*W_hy[1, 0] + c85*W_hy[0, 0])*dy[2, 0] + (c86*W_hy[1, 0] + c87*W_hy[0, 0])*dy[3, 0], c36*h0[1] + c38*h0[1] + c88*dh[1, 0] + c89*dh[1, 1] + c90*dh[2, 0] + c91*dh[2, 1] + c92*dh[3, 0] + c93*dh[3, 1] + (c88*W_hy[0, 0] + c89*W_hy[1, 0])*dy[1, 0] + (c90*W_hy[0, 0] + c91*W_hy[1, 0])*dy[2, 0] + (c92*W_hy[0, 0] + c93*W_hy[1, 0])*dy[3, 0]]).sum(axis=-1).reshape((2, 2)), 'b_h': numpy.array([c14 + c4 + c6 + c94*dh[1, 0] + c95*dh[2, 1] + c96*dh[2, 0] + c97*dh[3, 1] + c98*dh[3, 0] + (c19 + c94*W_hy[0, 0])*dy[1, 0] + (c95*W_hy[1, 0] + c96*W_hy[0, 0])*dy[2, 0] + (c97*W_hy[1, 0] + c98*W_hy[0, 0])*dy[3, 0], c100*dh[2, 0] + c101*dh[2, 1] + c102*dh[3, 0] + c103*dh[3, 1] + c36 + c38 + c41 + c99*dh[1, 1] + (c44 + c99*W_hy[1, 0])*dy[1, 0] + (c100*W_hy[0, 0] + c101*W_hy[1, 0])*dy[2, 0] + (c102*W_hy[0, 0] + c103*W_hy[1, 0])*dy[3, 0]]).sum(axis=-1).reshape((2,)), 'W_hy': numpy.array([c15*dy[1, 0] + c2*dy[0, 0] + c24*dy[2, 0] + c32*dy[3, 0], c10*dy[1, 0] + c20*dy[2, 0] + c29*dy[3, 0] + c9*dy[0, 0]]).sum(axis=-1).reshape((2, 1)), 'b_y': numpy.array([dy[0, 0] + dy[1, 0] + dy[2, 0] + dy[3, 0]]).sum(axis=-1).reshape((1,)), 'dx': numpy.moveaxis(numpy.array([c104*dh[1, 0] + c105*dh[1, 1] + c106*dh[2, 0] + c107*dh[2, 1] + c108*dh[3, 0] + c109*dh[3, 1] + c36*W_xh[0, 1] + c4*W_xh[0, 0] + (c104*W_hy[0, 0] + c105*W_hy[1, 0])*dy[1, 0] + (c106*W_hy[0, 0] + c107*W_hy[1, 0])*dy[2, 0] + (c108*W_hy[0, 0] + c109*W_hy[1, 0])*dy[3, 0] + (c37*W_xh[0, 1] + c5*W_xh[0, 0])*dy[0, 0], c110*dh[1, 0] + c111*dh[1, 1] + c112*dh[2, 0] + c113*dh[2, 1] + c114*dh[3, 0] + c115*dh[3, 1] + c36*W_xh[1, 1] + c4*W_xh[1, 0] + (c110*W_hy[0, 0] + c111*W_hy[1, 0])*dy[1, 0] + (c112*W_hy[0, 0] + c113*W_hy[1, 0])*dy[2, 0] + (c114*W_hy[0, 0] + c115*W_hy[1, 0])*dy[3, 0] + (c37*W_xh[1, 1] + c5*W_xh[1, 0])*dy[0, 0], c116*dh[1, 0] + c117*dh[1, 1] + c118*dh[2, 0] + c119*dh[2, 1] + c120*dh[3, 0] + c121*dh[3, 1] + c36*W_xh[2, 1] + c4*W_xh[2, 0] + (c116*W_hy[0, 0] + c117*W_hy[1, 0])*dy[1, 0] + (c118*W_hy[0, 0] + c119*W_hy[1, 0])*dy[2, 0] + (c120*W_hy[0, 0] + c121*W_hy[1, 0])*dy[3, 0] + (c37*W_xh[2, 1] + c5*W_xh[2, 0])*dy[0, 0], c122*dh[1, 0] + c123*dh[1, 1] + c124*dh[2, 0] + c125*dh[2, 1] + c126*dh[3, 0] + c127*dh[3, 1] + (c122*W_hy[0, 0] + c123*W_hy[1, 0])*dy[1, 0] + (c124*W_hy[0, 0] + c125*W_hy[1, 0])*dy[2, 0] + (c126*W_hy[0, 0] + c127*W_hy[1, 0])*dy[3, 0], c128*dh[1, 0] + c129*dh[1, 1] + c130*dh[2, 0] + c131*dh[2, 1] + c132*dh[3, 0] + c133*dh[3, 1] + (c128*W_hy[0, 0] + c129*W_hy[1, 0])*dy[1, 0] + (c130*W_hy[0, 0] + c131*W_hy[1, 0])*dy[2, 0] + (c132*W_hy[0, 0] + c133*W_hy[1, 0])*dy[3, 0], c134*dh[1, 0] + c135*dh[1, 1] + c136*dh[2, 0] + c137*dh[2, 1] + c138*dh[3, 0] + c139*dh[3, 1] + (c134*W_hy[0, 0] + c135*W_hy[1, 0])*dy[1, 0] + (c136*W_hy[0, 0] + c137*W_hy[1, 0])*dy[2, 0] + (c138*W_hy[0, 0] + c139*W_hy[1, 0])*dy[3, 0], c140*dh[2, 0] + c141*dh[2, 1] + c142*dh[3, 0] + c143*dh[3, 1] + (c140*W_hy[0, 0] + c141*W_hy[1, 0])*dy[2, 0] + (c142*W_hy[0, 0] + c143*W_hy[1, 0])*dy[3, 0], c144*dh[2, 0] + c145*dh[2, 1] + c146*dh[3, 0] + c147*dh[3, 1] + (c144*W_hy[0, 0] + c145*W_hy[1, 0])*dy[2, 0] + (c146*W_hy[0, 0] + c147*W_hy[1, 0])*dy[3, 0], c148*dh[2, 0] + c149*dh[2, 1] + c150*dh[3, 0] + c151*dh[3, 1] + (c148*W_hy[0, 0] + c149*W_hy[1, 0])*dy[2, 0] + (c150*W_hy[0, 0] + c151*W_hy[1, 0])*dy[3, 0], c152*dh[3, 0] + c153*dh[3, 1] + (c152*W_hy[0, 0] + c153*W_hy[1, 0])*dy[3, 0], c154*dh[3, 0] + c155*dh[3, 1] + (c154*W_hy[0, 0] + c155*W_hy[1, 0])*dy[3, 0], c156*dh[3, 0] + c157*dh[3, 1] + (c156*W_hy[0, 0] + c157*W_hy[1, 0])*dy[3, 0]]).reshape((4, 3, -1)), -1, 0), 'dh0': numpy.moveaxis(numpy.array([c158*dh[1, 0] + c159*dh[1, 1] + c160*dh[2, 0] + c161*dh[2, 1] + c162*dh[3, 0] + c163*dh[3, 1] + c36*W_hh[0, 1] + c4*W_hh[0, 0] + (c158*W_hy[0, 0] + c159*W_hy[1, 0])*dy[1, 0] + (c160*W_hy[0, 0] + c161*W_hy[1, 0])*dy[2, 0] + (c162*W_hy[0, 0] + c163*W_hy[1, 0])*dy[3, 0] + (c17*W_hy[0, 0] + c37*W_hh[0, 1])*dy[0, 0], c164*dh[1, 1] + c165*dh[1, 0] + c166*dh[2, 0] + c167*dh[2, 1] + c168*dh[3, 0] + c169*dh[3, 1] + c36*W_hh[1, 1] + c4*W_hh[1, 0] + (c164*W_hy[1, 0] + c165*W_hy[0, 0])*dy[1, 0] + (c166*W_hy[0, 0] + c167*W_hy[1, 0])*dy[2, 0] + (c168*W_hy[0, 0] + c169*W_hy[1, 0])*dy[3, 0] + (c42*W_hy[1, 0] + c5*W_hh[1, 0])*dy[0, 0]]).reshape((2, -1)), -1, 0)}


RNN_BACKWARD = {  # (T, D, H, O) -> gradients, for any batch size N
    (3, 2, 3, 2): rnn_backward_3_2_3_2,
    (4, 3, 2, 1): rnn_backward_4_3_2_1,
}
