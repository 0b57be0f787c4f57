# VEX (map 1) forms of the two-byte map 0F xx: AVX and AVX2.
# Golden source: node --import tsx scripts/make-golden.ts test/decoder/golden/avx.s > test/decoder/golden/avx.txt
	.text

# 0F 10-17, 28-29, 2B: moves
	vmovups %xmm1,%xmm2
	vmovups 0x1234(%rip),%xmm10
	vmovups %ymm9,%ymm2
	vmovups -0x80(%rsp,%r9,8),%ymm14
	vmovups %xmm1,0x10(%rax)
	vmovups %ymm12,-0x80(%rsp,%r9,8)
	vmovupd %xmm1,%xmm2
	vmovupd 0x1234(%rip),%xmm10
	vmovupd %ymm9,%ymm2
	vmovupd -0x80(%rsp,%r9,8),%ymm14
	vmovupd %xmm1,0x10(%rax)
	vmovupd %ymm12,-0x80(%rsp,%r9,8)
	vmovaps %xmm1,%xmm2
	vmovaps 0x1234(%rip),%xmm10
	vmovaps %ymm9,%ymm2
	vmovaps -0x80(%rsp,%r9,8),%ymm14
	vmovaps %xmm1,0x10(%rax)
	vmovaps %ymm12,-0x80(%rsp,%r9,8)
	vmovapd %xmm1,%xmm2
	vmovapd 0x1234(%rip),%xmm10
	vmovapd %ymm9,%ymm2
	vmovapd -0x80(%rsp,%r9,8),%ymm14
	vmovapd %xmm1,0x10(%rax)
	vmovapd %ymm12,-0x80(%rsp,%r9,8)
	.byte 0xc5,0xf8,0x11,0xc1  # vmovups store form, register
	vmovss %xmm1,%xmm2,%xmm3
	vmovss %xmm9,%xmm10,%xmm11
	vmovss 0x10(%rax),%xmm4
	vmovss %xmm12,-0x80(%rsp,%r9,8)
	vmovsd %xmm1,%xmm2,%xmm3
	vmovsd %xmm9,%xmm10,%xmm11
	vmovsd 0x10(%rax),%xmm4
	vmovsd %xmm12,-0x80(%rsp,%r9,8)
	.byte 0xc5,0xea,0x11,0xc1  # vmovss store form, register
	.byte 0xc5,0xfe,0x11,0xc1  # ... with VEX.L=1: objdump prints ymm
	vmovlps 0x10(%rax),%xmm2,%xmm3
	vmovlps %xmm12,-0x80(%rsp,%r9,8)
	vmovhps 0x10(%rax),%xmm2,%xmm3
	vmovhps %xmm12,-0x80(%rsp,%r9,8)
	vmovlpd 0x10(%rax),%xmm2,%xmm3
	vmovlpd %xmm12,-0x80(%rsp,%r9,8)
	vmovhpd 0x10(%rax),%xmm2,%xmm3
	vmovhpd %xmm12,-0x80(%rsp,%r9,8)
	vmovhlps %xmm1,%xmm2,%xmm3
	vmovlhps %xmm9,%xmm10,%xmm11
	vmovsldup %xmm1,%xmm2
	vmovsldup 0x10(%rax),%xmm10
	vmovsldup %ymm9,%ymm2
	vmovsldup -0x80(%rsp,%r9,8),%ymm14
	vmovshdup %xmm1,%xmm2
	vmovshdup 0x10(%rax),%xmm10
	vmovshdup %ymm9,%ymm2
	vmovshdup -0x80(%rsp,%r9,8),%ymm14
	vmovddup %xmm1,%xmm2
	vmovddup 0x10(%rax),%xmm10
	vmovddup %ymm9,%ymm2
	vmovddup -0x80(%rsp,%r9,8),%ymm14
	vunpcklps %xmm1,%xmm2,%xmm3
	vunpcklps 0x10(%rax),%xmm10,%xmm11
	vunpcklps %ymm9,%ymm2,%ymm15
	vunpcklps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vunpcklpd %xmm1,%xmm2,%xmm3
	vunpcklpd 0x10(%rax),%xmm10,%xmm11
	vunpcklpd %ymm9,%ymm2,%ymm15
	vunpcklpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vunpckhps %xmm1,%xmm2,%xmm3
	vunpckhps 0x10(%rax),%xmm10,%xmm11
	vunpckhps %ymm9,%ymm2,%ymm15
	vunpckhps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vunpckhpd %xmm1,%xmm2,%xmm3
	vunpckhpd 0x10(%rax),%xmm10,%xmm11
	vunpckhpd %ymm9,%ymm2,%ymm15
	vunpckhpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vmovntps %xmm1,0x10(%rax)
	vmovntps %ymm9,-0x80(%rsp,%r9,8)
	vmovntpd %xmm2,0x10(%rax)
	vmovntpd %ymm10,0x1234(%rip)

# 0F 2A-2F: scalar conversions and compares
	vcvtsi2ss %eax,%xmm1,%xmm2
	vcvtsi2ss %r9,%xmm10,%xmm11
	vcvtsi2ssl 0x10(%rax),%xmm3,%xmm4
	vcvtsi2ssq -0x80(%rsp,%r9,8),%xmm12,%xmm13
	vcvtsi2sd %eax,%xmm1,%xmm2
	vcvtsi2sd %r9,%xmm10,%xmm11
	vcvtsi2sdl 0x10(%rax),%xmm3,%xmm4
	vcvtsi2sdq -0x80(%rsp,%r9,8),%xmm12,%xmm13
	vcvttss2si %xmm1,%eax
	vcvttss2si %xmm9,%r10
	vcvttss2si 0x10(%rax),%ecx
	vcvttss2si -0x80(%rsp,%r9,8),%rdx
	vcvtss2si %xmm1,%eax
	vcvtss2si %xmm9,%r10
	vcvtss2si 0x10(%rax),%ecx
	vcvtss2si -0x80(%rsp,%r9,8),%rdx
	vcvttsd2si %xmm1,%eax
	vcvttsd2si %xmm9,%r10
	vcvttsd2si 0x10(%rax),%ecx
	vcvttsd2si -0x80(%rsp,%r9,8),%rdx
	vcvtsd2si %xmm1,%eax
	vcvtsd2si %xmm9,%r10
	vcvtsd2si 0x10(%rax),%ecx
	vcvtsd2si -0x80(%rsp,%r9,8),%rdx
	vucomiss %xmm1,%xmm2
	vucomiss 0x10(%rax),%xmm14
	vcomiss %xmm1,%xmm2
	vcomiss 0x10(%rax),%xmm14
	vucomisd %xmm1,%xmm2
	vucomisd 0x10(%rax),%xmm14
	vcomisd %xmm1,%xmm2
	vcomisd 0x10(%rax),%xmm14

# 0F 50-5F: arithmetic
	vmovmskps %xmm1,%eax
	vmovmskps %ymm9,%r8d
	vmovmskpd %xmm2,%ecx
	vmovmskpd %ymm15,%r15d
	.byte 0xc4,0xe1,0xfc,0x50,0xc1  # VEX.W1: vmovmskps %ymm1,%rax
	vaddps %xmm1,%xmm2,%xmm3
	vaddps 0x10(%rax),%xmm10,%xmm11
	vaddps %ymm9,%ymm2,%ymm15
	vaddps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vaddpd %xmm1,%xmm2,%xmm3
	vaddpd 0x10(%rax),%xmm10,%xmm11
	vaddpd %ymm9,%ymm2,%ymm15
	vaddpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vmulps %xmm1,%xmm2,%xmm3
	vmulps 0x10(%rax),%xmm10,%xmm11
	vmulps %ymm9,%ymm2,%ymm15
	vmulps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vmulpd %xmm1,%xmm2,%xmm3
	vmulpd 0x10(%rax),%xmm10,%xmm11
	vmulpd %ymm9,%ymm2,%ymm15
	vmulpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vsubps %xmm1,%xmm2,%xmm3
	vsubps 0x10(%rax),%xmm10,%xmm11
	vsubps %ymm9,%ymm2,%ymm15
	vsubps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vsubpd %xmm1,%xmm2,%xmm3
	vsubpd 0x10(%rax),%xmm10,%xmm11
	vsubpd %ymm9,%ymm2,%ymm15
	vsubpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vminps %xmm1,%xmm2,%xmm3
	vminps 0x10(%rax),%xmm10,%xmm11
	vminps %ymm9,%ymm2,%ymm15
	vminps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vminpd %xmm1,%xmm2,%xmm3
	vminpd 0x10(%rax),%xmm10,%xmm11
	vminpd %ymm9,%ymm2,%ymm15
	vminpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vdivps %xmm1,%xmm2,%xmm3
	vdivps 0x10(%rax),%xmm10,%xmm11
	vdivps %ymm9,%ymm2,%ymm15
	vdivps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vdivpd %xmm1,%xmm2,%xmm3
	vdivpd 0x10(%rax),%xmm10,%xmm11
	vdivpd %ymm9,%ymm2,%ymm15
	vdivpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vmaxps %xmm1,%xmm2,%xmm3
	vmaxps 0x10(%rax),%xmm10,%xmm11
	vmaxps %ymm9,%ymm2,%ymm15
	vmaxps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vmaxpd %xmm1,%xmm2,%xmm3
	vmaxpd 0x10(%rax),%xmm10,%xmm11
	vmaxpd %ymm9,%ymm2,%ymm15
	vmaxpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vandps %xmm1,%xmm2,%xmm3
	vandps 0x10(%rax),%xmm10,%xmm11
	vandps %ymm9,%ymm2,%ymm15
	vandps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vandpd %xmm1,%xmm2,%xmm3
	vandpd 0x10(%rax),%xmm10,%xmm11
	vandpd %ymm9,%ymm2,%ymm15
	vandpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vandnps %xmm1,%xmm2,%xmm3
	vandnps 0x10(%rax),%xmm10,%xmm11
	vandnps %ymm9,%ymm2,%ymm15
	vandnps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vandnpd %xmm1,%xmm2,%xmm3
	vandnpd 0x10(%rax),%xmm10,%xmm11
	vandnpd %ymm9,%ymm2,%ymm15
	vandnpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vorps %xmm1,%xmm2,%xmm3
	vorps 0x10(%rax),%xmm10,%xmm11
	vorps %ymm9,%ymm2,%ymm15
	vorps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vorpd %xmm1,%xmm2,%xmm3
	vorpd 0x10(%rax),%xmm10,%xmm11
	vorpd %ymm9,%ymm2,%ymm15
	vorpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vxorps %xmm1,%xmm2,%xmm3
	vxorps 0x10(%rax),%xmm10,%xmm11
	vxorps %ymm9,%ymm2,%ymm15
	vxorps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vxorpd %xmm1,%xmm2,%xmm3
	vxorpd 0x10(%rax),%xmm10,%xmm11
	vxorpd %ymm9,%ymm2,%ymm15
	vxorpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vaddss %xmm1,%xmm2,%xmm3
	vaddss 0x10(%rax),%xmm10,%xmm11
	vaddsd %xmm1,%xmm2,%xmm3
	vaddsd 0x10(%rax),%xmm10,%xmm11
	vmulss %xmm1,%xmm2,%xmm3
	vmulss 0x10(%rax),%xmm10,%xmm11
	vmulsd %xmm1,%xmm2,%xmm3
	vmulsd 0x10(%rax),%xmm10,%xmm11
	vsubss %xmm1,%xmm2,%xmm3
	vsubss 0x10(%rax),%xmm10,%xmm11
	vsubsd %xmm1,%xmm2,%xmm3
	vsubsd 0x10(%rax),%xmm10,%xmm11
	vminss %xmm1,%xmm2,%xmm3
	vminss 0x10(%rax),%xmm10,%xmm11
	vminsd %xmm1,%xmm2,%xmm3
	vminsd 0x10(%rax),%xmm10,%xmm11
	vdivss %xmm1,%xmm2,%xmm3
	vdivss 0x10(%rax),%xmm10,%xmm11
	vdivsd %xmm1,%xmm2,%xmm3
	vdivsd 0x10(%rax),%xmm10,%xmm11
	vmaxss %xmm1,%xmm2,%xmm3
	vmaxss 0x10(%rax),%xmm10,%xmm11
	vmaxsd %xmm1,%xmm2,%xmm3
	vmaxsd 0x10(%rax),%xmm10,%xmm11
	vsqrtss %xmm1,%xmm2,%xmm3
	vsqrtss 0x10(%rax),%xmm10,%xmm11
	vsqrtsd %xmm1,%xmm2,%xmm3
	vsqrtsd 0x10(%rax),%xmm10,%xmm11
	vrsqrtss %xmm1,%xmm2,%xmm3
	vrsqrtss 0x10(%rax),%xmm10,%xmm11
	vrcpss %xmm1,%xmm2,%xmm3
	vrcpss 0x10(%rax),%xmm10,%xmm11
	vsqrtps %xmm1,%xmm2
	vsqrtps 0x10(%rax),%xmm10
	vsqrtps %ymm9,%ymm2
	vsqrtps -0x80(%rsp,%r9,8),%ymm14
	vsqrtpd %xmm1,%xmm2
	vsqrtpd 0x10(%rax),%xmm10
	vsqrtpd %ymm9,%ymm2
	vsqrtpd -0x80(%rsp,%r9,8),%ymm14
	vrsqrtps %xmm1,%xmm2
	vrsqrtps 0x10(%rax),%xmm10
	vrsqrtps %ymm9,%ymm2
	vrsqrtps -0x80(%rsp,%r9,8),%ymm14
	vrcpps %xmm1,%xmm2
	vrcpps 0x10(%rax),%xmm10
	vrcpps %ymm9,%ymm2
	vrcpps -0x80(%rsp,%r9,8),%ymm14
	vcvtdq2ps %xmm1,%xmm2
	vcvtdq2ps 0x10(%rax),%xmm10
	vcvtdq2ps %ymm9,%ymm2
	vcvtdq2ps -0x80(%rsp,%r9,8),%ymm14
	vcvtps2dq %xmm1,%xmm2
	vcvtps2dq 0x10(%rax),%xmm10
	vcvtps2dq %ymm9,%ymm2
	vcvtps2dq -0x80(%rsp,%r9,8),%ymm14
	vcvttps2dq %xmm1,%xmm2
	vcvttps2dq 0x10(%rax),%xmm10
	vcvttps2dq %ymm9,%ymm2
	vcvttps2dq -0x80(%rsp,%r9,8),%ymm14
	vcvtps2pd %xmm1,%xmm2
	vcvtps2pd 0x10(%rax),%xmm10
	vcvtps2pd %xmm9,%ymm2
	vcvtps2pd -0x80(%rsp,%r9,8),%ymm14
	vcvtss2sd %xmm1,%xmm2,%xmm3
	vcvtss2sd 0x10(%rax),%xmm10,%xmm11
	vcvtsd2ss %xmm1,%xmm2,%xmm3
	vcvtsd2ss 0x10(%rax),%xmm10,%xmm11
	vcvtpd2ps %xmm1,%xmm2
	vcvtpd2psx 0x10(%rax),%xmm10
	vcvtpd2ps %ymm9,%xmm2
	vcvtpd2psy -0x80(%rsp,%r9,8),%xmm14
	vcvtpd2dq %xmm1,%xmm2
	vcvtpd2dqx 0x10(%rax),%xmm10
	vcvtpd2dq %ymm9,%xmm2
	vcvtpd2dqy -0x80(%rsp,%r9,8),%xmm14
	vcvttpd2dq %xmm1,%xmm2
	vcvttpd2dqx 0x10(%rax),%xmm10
	vcvttpd2dq %ymm9,%xmm2
	vcvttpd2dqy -0x80(%rsp,%r9,8),%xmm14
	vcvtdq2pd %xmm1,%xmm2
	vcvtdq2pd 0x10(%rax),%xmm10
	vcvtdq2pd %xmm9,%ymm2
	vcvtdq2pd -0x80(%rsp,%r9,8),%ymm14

# 0F 60-6F, 74-76, D1-FE: integer operations, AVX and AVX2
	vpunpcklbw %xmm1,%xmm2,%xmm3
	vpunpcklbw 0x10(%rax),%xmm10,%xmm11
	vpunpcklbw %ymm9,%ymm2,%ymm15
	vpunpcklbw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpcklwd %xmm1,%xmm2,%xmm3
	vpunpcklwd 0x10(%rax),%xmm10,%xmm11
	vpunpcklwd %ymm9,%ymm2,%ymm15
	vpunpcklwd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpckldq %xmm1,%xmm2,%xmm3
	vpunpckldq 0x10(%rax),%xmm10,%xmm11
	vpunpckldq %ymm9,%ymm2,%ymm15
	vpunpckldq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpacksswb %xmm1,%xmm2,%xmm3
	vpacksswb 0x10(%rax),%xmm10,%xmm11
	vpacksswb %ymm9,%ymm2,%ymm15
	vpacksswb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpcmpgtb %xmm1,%xmm2,%xmm3
	vpcmpgtb 0x10(%rax),%xmm10,%xmm11
	vpcmpgtb %ymm9,%ymm2,%ymm15
	vpcmpgtb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpcmpgtw %xmm1,%xmm2,%xmm3
	vpcmpgtw 0x10(%rax),%xmm10,%xmm11
	vpcmpgtw %ymm9,%ymm2,%ymm15
	vpcmpgtw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpcmpgtd %xmm1,%xmm2,%xmm3
	vpcmpgtd 0x10(%rax),%xmm10,%xmm11
	vpcmpgtd %ymm9,%ymm2,%ymm15
	vpcmpgtd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpackuswb %xmm1,%xmm2,%xmm3
	vpackuswb 0x10(%rax),%xmm10,%xmm11
	vpackuswb %ymm9,%ymm2,%ymm15
	vpackuswb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpckhbw %xmm1,%xmm2,%xmm3
	vpunpckhbw 0x10(%rax),%xmm10,%xmm11
	vpunpckhbw %ymm9,%ymm2,%ymm15
	vpunpckhbw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpckhwd %xmm1,%xmm2,%xmm3
	vpunpckhwd 0x10(%rax),%xmm10,%xmm11
	vpunpckhwd %ymm9,%ymm2,%ymm15
	vpunpckhwd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpckhdq %xmm1,%xmm2,%xmm3
	vpunpckhdq 0x10(%rax),%xmm10,%xmm11
	vpunpckhdq %ymm9,%ymm2,%ymm15
	vpunpckhdq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpackssdw %xmm1,%xmm2,%xmm3
	vpackssdw 0x10(%rax),%xmm10,%xmm11
	vpackssdw %ymm9,%ymm2,%ymm15
	vpackssdw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpcklqdq %xmm1,%xmm2,%xmm3
	vpunpcklqdq 0x10(%rax),%xmm10,%xmm11
	vpunpcklqdq %ymm9,%ymm2,%ymm15
	vpunpcklqdq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpunpckhqdq %xmm1,%xmm2,%xmm3
	vpunpckhqdq 0x10(%rax),%xmm10,%xmm11
	vpunpckhqdq %ymm9,%ymm2,%ymm15
	vpunpckhqdq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpcmpeqb %xmm1,%xmm2,%xmm3
	vpcmpeqb 0x10(%rax),%xmm10,%xmm11
	vpcmpeqb %ymm9,%ymm2,%ymm15
	vpcmpeqb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpcmpeqw %xmm1,%xmm2,%xmm3
	vpcmpeqw 0x10(%rax),%xmm10,%xmm11
	vpcmpeqw %ymm9,%ymm2,%ymm15
	vpcmpeqw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpcmpeqd %xmm1,%xmm2,%xmm3
	vpcmpeqd 0x10(%rax),%xmm10,%xmm11
	vpcmpeqd %ymm9,%ymm2,%ymm15
	vpcmpeqd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddq %xmm1,%xmm2,%xmm3
	vpaddq 0x10(%rax),%xmm10,%xmm11
	vpaddq %ymm9,%ymm2,%ymm15
	vpaddq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmullw %xmm1,%xmm2,%xmm3
	vpmullw 0x10(%rax),%xmm10,%xmm11
	vpmullw %ymm9,%ymm2,%ymm15
	vpmullw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubusb %xmm1,%xmm2,%xmm3
	vpsubusb 0x10(%rax),%xmm10,%xmm11
	vpsubusb %ymm9,%ymm2,%ymm15
	vpsubusb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubusw %xmm1,%xmm2,%xmm3
	vpsubusw 0x10(%rax),%xmm10,%xmm11
	vpsubusw %ymm9,%ymm2,%ymm15
	vpsubusw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpminub %xmm1,%xmm2,%xmm3
	vpminub 0x10(%rax),%xmm10,%xmm11
	vpminub %ymm9,%ymm2,%ymm15
	vpminub -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpand %xmm1,%xmm2,%xmm3
	vpand 0x10(%rax),%xmm10,%xmm11
	vpand %ymm9,%ymm2,%ymm15
	vpand -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddusb %xmm1,%xmm2,%xmm3
	vpaddusb 0x10(%rax),%xmm10,%xmm11
	vpaddusb %ymm9,%ymm2,%ymm15
	vpaddusb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddusw %xmm1,%xmm2,%xmm3
	vpaddusw 0x10(%rax),%xmm10,%xmm11
	vpaddusw %ymm9,%ymm2,%ymm15
	vpaddusw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmaxub %xmm1,%xmm2,%xmm3
	vpmaxub 0x10(%rax),%xmm10,%xmm11
	vpmaxub %ymm9,%ymm2,%ymm15
	vpmaxub -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpandn %xmm1,%xmm2,%xmm3
	vpandn 0x10(%rax),%xmm10,%xmm11
	vpandn %ymm9,%ymm2,%ymm15
	vpandn -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpavgb %xmm1,%xmm2,%xmm3
	vpavgb 0x10(%rax),%xmm10,%xmm11
	vpavgb %ymm9,%ymm2,%ymm15
	vpavgb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpavgw %xmm1,%xmm2,%xmm3
	vpavgw 0x10(%rax),%xmm10,%xmm11
	vpavgw %ymm9,%ymm2,%ymm15
	vpavgw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmulhuw %xmm1,%xmm2,%xmm3
	vpmulhuw 0x10(%rax),%xmm10,%xmm11
	vpmulhuw %ymm9,%ymm2,%ymm15
	vpmulhuw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmulhw %xmm1,%xmm2,%xmm3
	vpmulhw 0x10(%rax),%xmm10,%xmm11
	vpmulhw %ymm9,%ymm2,%ymm15
	vpmulhw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubsb %xmm1,%xmm2,%xmm3
	vpsubsb 0x10(%rax),%xmm10,%xmm11
	vpsubsb %ymm9,%ymm2,%ymm15
	vpsubsb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubsw %xmm1,%xmm2,%xmm3
	vpsubsw 0x10(%rax),%xmm10,%xmm11
	vpsubsw %ymm9,%ymm2,%ymm15
	vpsubsw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpminsw %xmm1,%xmm2,%xmm3
	vpminsw 0x10(%rax),%xmm10,%xmm11
	vpminsw %ymm9,%ymm2,%ymm15
	vpminsw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpor %xmm1,%xmm2,%xmm3
	vpor 0x10(%rax),%xmm10,%xmm11
	vpor %ymm9,%ymm2,%ymm15
	vpor -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddsb %xmm1,%xmm2,%xmm3
	vpaddsb 0x10(%rax),%xmm10,%xmm11
	vpaddsb %ymm9,%ymm2,%ymm15
	vpaddsb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddsw %xmm1,%xmm2,%xmm3
	vpaddsw 0x10(%rax),%xmm10,%xmm11
	vpaddsw %ymm9,%ymm2,%ymm15
	vpaddsw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmaxsw %xmm1,%xmm2,%xmm3
	vpmaxsw 0x10(%rax),%xmm10,%xmm11
	vpmaxsw %ymm9,%ymm2,%ymm15
	vpmaxsw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpxor %xmm1,%xmm2,%xmm3
	vpxor 0x10(%rax),%xmm10,%xmm11
	vpxor %ymm9,%ymm2,%ymm15
	vpxor -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmuludq %xmm1,%xmm2,%xmm3
	vpmuludq 0x10(%rax),%xmm10,%xmm11
	vpmuludq %ymm9,%ymm2,%ymm15
	vpmuludq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpmaddwd %xmm1,%xmm2,%xmm3
	vpmaddwd 0x10(%rax),%xmm10,%xmm11
	vpmaddwd %ymm9,%ymm2,%ymm15
	vpmaddwd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsadbw %xmm1,%xmm2,%xmm3
	vpsadbw 0x10(%rax),%xmm10,%xmm11
	vpsadbw %ymm9,%ymm2,%ymm15
	vpsadbw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubb %xmm1,%xmm2,%xmm3
	vpsubb 0x10(%rax),%xmm10,%xmm11
	vpsubb %ymm9,%ymm2,%ymm15
	vpsubb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubw %xmm1,%xmm2,%xmm3
	vpsubw 0x10(%rax),%xmm10,%xmm11
	vpsubw %ymm9,%ymm2,%ymm15
	vpsubw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubd %xmm1,%xmm2,%xmm3
	vpsubd 0x10(%rax),%xmm10,%xmm11
	vpsubd %ymm9,%ymm2,%ymm15
	vpsubd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsubq %xmm1,%xmm2,%xmm3
	vpsubq 0x10(%rax),%xmm10,%xmm11
	vpsubq %ymm9,%ymm2,%ymm15
	vpsubq -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddb %xmm1,%xmm2,%xmm3
	vpaddb 0x10(%rax),%xmm10,%xmm11
	vpaddb %ymm9,%ymm2,%ymm15
	vpaddb -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddw %xmm1,%xmm2,%xmm3
	vpaddw 0x10(%rax),%xmm10,%xmm11
	vpaddw %ymm9,%ymm2,%ymm15
	vpaddw -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpaddd %xmm1,%xmm2,%xmm3
	vpaddd 0x10(%rax),%xmm10,%xmm11
	vpaddd %ymm9,%ymm2,%ymm15
	vpaddd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vpsrlw %xmm1,%xmm2,%xmm3
	vpsrlw 0x10(%rax),%ymm10,%ymm11
	vpsrlw $0x3,%xmm9,%xmm2
	vpsrlw $0x3f,%ymm4,%ymm13
	vpsrld %xmm1,%xmm2,%xmm3
	vpsrld 0x10(%rax),%ymm10,%ymm11
	vpsrld $0x3,%xmm9,%xmm2
	vpsrld $0x3f,%ymm4,%ymm13
	vpsrlq %xmm1,%xmm2,%xmm3
	vpsrlq 0x10(%rax),%ymm10,%ymm11
	vpsrlq $0x3,%xmm9,%xmm2
	vpsrlq $0x3f,%ymm4,%ymm13
	vpsraw %xmm1,%xmm2,%xmm3
	vpsraw 0x10(%rax),%ymm10,%ymm11
	vpsraw $0x3,%xmm9,%xmm2
	vpsraw $0x3f,%ymm4,%ymm13
	vpsrad %xmm1,%xmm2,%xmm3
	vpsrad 0x10(%rax),%ymm10,%ymm11
	vpsrad $0x3,%xmm9,%xmm2
	vpsrad $0x3f,%ymm4,%ymm13
	vpsllw %xmm1,%xmm2,%xmm3
	vpsllw 0x10(%rax),%ymm10,%ymm11
	vpsllw $0x3,%xmm9,%xmm2
	vpsllw $0x3f,%ymm4,%ymm13
	vpslld %xmm1,%xmm2,%xmm3
	vpslld 0x10(%rax),%ymm10,%ymm11
	vpslld $0x3,%xmm9,%xmm2
	vpslld $0x3f,%ymm4,%ymm13
	vpsllq %xmm1,%xmm2,%xmm3
	vpsllq 0x10(%rax),%ymm10,%ymm11
	vpsllq $0x3,%xmm9,%xmm2
	vpsllq $0x3f,%ymm4,%ymm13
	vpsrldq $0x4,%xmm1,%xmm2
	vpslldq $0x8,%ymm9,%ymm15

# 0F 6E/7E/6F/7F/D6: vmovd, vmovq, vmovdqa, vmovdqu
	vmovd %eax,%xmm1
	vmovd 0x10(%rax),%xmm9
	vmovq %r8,%xmm2
	vmovd %xmm3,%ecx
	vmovd %xmm10,0x10(%rax)
	vmovq %xmm11,%r12
	vmovq 0x10(%rax),%xmm4
	vmovq %xmm5,%xmm6
	vmovq %xmm7,-0x80(%rsp,%r9,8)
	vmovq %xmm8,%xmm9
	.byte 0xc4,0xe1,0xf9,0x6e,0x00  # VEX.W1 66 0F 6E: vmovq (%rax),%xmm0
	.byte 0xc5,0xf9,0xd6,0xc1  # vmovq store form, register
	vmovdqa %xmm1,%xmm2
	vmovdqa 0x1234(%rip),%xmm10
	vmovdqa %ymm9,%ymm2
	vmovdqa -0x80(%rsp,%r9,8),%ymm14
	vmovdqa %xmm1,0x10(%rax)
	vmovdqa %ymm12,-0x80(%rsp,%r9,8)
	vmovdqu %xmm1,%xmm2
	vmovdqu 0x1234(%rip),%xmm10
	vmovdqu %ymm9,%ymm2
	vmovdqu -0x80(%rsp,%r9,8),%ymm14
	vmovdqu %xmm1,0x10(%rax)
	vmovdqu %ymm12,-0x80(%rsp,%r9,8)

# 0F 70, 77, 7C-7D, D0: shuffles, vzeroupper, horizontal ops
	vpshufd $0x1b,%xmm1,%xmm2
	vpshufd $0xff,0x10(%rax),%xmm10
	vpshufd $0x4e,%ymm9,%ymm2
	vpshufd $0x0,-0x80(%rsp,%r9,8),%ymm14
	vpshufhw $0x1b,%xmm1,%xmm2
	vpshufhw $0xff,0x10(%rax),%xmm10
	vpshufhw $0x4e,%ymm9,%ymm2
	vpshufhw $0x0,-0x80(%rsp,%r9,8),%ymm14
	vpshuflw $0x1b,%xmm1,%xmm2
	vpshuflw $0xff,0x10(%rax),%xmm10
	vpshuflw $0x4e,%ymm9,%ymm2
	vpshuflw $0x0,-0x80(%rsp,%r9,8),%ymm14
	vzeroupper
	vzeroall
	.byte 0xc5,0xf9,0x77  # VEX.pp is ignored: vzeroupper
	.byte 0xc5,0xf0,0x77  # VEX.vvvv must be 1111b: (bad)
	vhaddpd %xmm1,%xmm2,%xmm3
	vhaddpd 0x10(%rax),%xmm10,%xmm11
	vhaddpd %ymm9,%ymm2,%ymm15
	vhaddpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vhsubpd %xmm1,%xmm2,%xmm3
	vhsubpd 0x10(%rax),%xmm10,%xmm11
	vhsubpd %ymm9,%ymm2,%ymm15
	vhsubpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vhaddps %xmm1,%xmm2,%xmm3
	vhaddps 0x10(%rax),%xmm10,%xmm11
	vhaddps %ymm9,%ymm2,%ymm15
	vhaddps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vhsubps %xmm1,%xmm2,%xmm3
	vhsubps 0x10(%rax),%xmm10,%xmm11
	vhsubps %ymm9,%ymm2,%ymm15
	vhsubps -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vaddsubpd %xmm1,%xmm2,%xmm3
	vaddsubpd 0x10(%rax),%xmm10,%xmm11
	vaddsubpd %ymm9,%ymm2,%ymm15
	vaddsubpd -0x80(%rsp,%r9,8),%ymm4,%ymm5
	vaddsubps %xmm1,%xmm2,%xmm3
	vaddsubps 0x10(%rax),%xmm10,%xmm11
	vaddsubps %ymm9,%ymm2,%ymm15
	vaddsubps -0x80(%rsp,%r9,8),%ymm4,%ymm5

# 0F C2-C6: compares (all 32 predicates), vpinsrw, vpextrw, vshufps
	.byte 0xc5,0xe8,0xc2,0xd9,0  # vcmp...ps, predicate 0
	.byte 0xc5,0xe8,0xc2,0xd9,1  # vcmp...ps, predicate 1
	.byte 0xc5,0xe8,0xc2,0xd9,2  # vcmp...ps, predicate 2
	.byte 0xc5,0xe8,0xc2,0xd9,3  # vcmp...ps, predicate 3
	.byte 0xc5,0xe8,0xc2,0xd9,4  # vcmp...ps, predicate 4
	.byte 0xc5,0xe8,0xc2,0xd9,5  # vcmp...ps, predicate 5
	.byte 0xc5,0xe8,0xc2,0xd9,6  # vcmp...ps, predicate 6
	.byte 0xc5,0xe8,0xc2,0xd9,7  # vcmp...ps, predicate 7
	.byte 0xc5,0xe8,0xc2,0xd9,8  # vcmp...ps, predicate 8
	.byte 0xc5,0xe8,0xc2,0xd9,9  # vcmp...ps, predicate 9
	.byte 0xc5,0xe8,0xc2,0xd9,10  # vcmp...ps, predicate 10
	.byte 0xc5,0xe8,0xc2,0xd9,11  # vcmp...ps, predicate 11
	.byte 0xc5,0xe8,0xc2,0xd9,12  # vcmp...ps, predicate 12
	.byte 0xc5,0xe8,0xc2,0xd9,13  # vcmp...ps, predicate 13
	.byte 0xc5,0xe8,0xc2,0xd9,14  # vcmp...ps, predicate 14
	.byte 0xc5,0xe8,0xc2,0xd9,15  # vcmp...ps, predicate 15
	.byte 0xc5,0xe8,0xc2,0xd9,16  # vcmp...ps, predicate 16
	.byte 0xc5,0xe8,0xc2,0xd9,17  # vcmp...ps, predicate 17
	.byte 0xc5,0xe8,0xc2,0xd9,18  # vcmp...ps, predicate 18
	.byte 0xc5,0xe8,0xc2,0xd9,19  # vcmp...ps, predicate 19
	.byte 0xc5,0xe8,0xc2,0xd9,20  # vcmp...ps, predicate 20
	.byte 0xc5,0xe8,0xc2,0xd9,21  # vcmp...ps, predicate 21
	.byte 0xc5,0xe8,0xc2,0xd9,22  # vcmp...ps, predicate 22
	.byte 0xc5,0xe8,0xc2,0xd9,23  # vcmp...ps, predicate 23
	.byte 0xc5,0xe8,0xc2,0xd9,24  # vcmp...ps, predicate 24
	.byte 0xc5,0xe8,0xc2,0xd9,25  # vcmp...ps, predicate 25
	.byte 0xc5,0xe8,0xc2,0xd9,26  # vcmp...ps, predicate 26
	.byte 0xc5,0xe8,0xc2,0xd9,27  # vcmp...ps, predicate 27
	.byte 0xc5,0xe8,0xc2,0xd9,28  # vcmp...ps, predicate 28
	.byte 0xc5,0xe8,0xc2,0xd9,29  # vcmp...ps, predicate 29
	.byte 0xc5,0xe8,0xc2,0xd9,30  # vcmp...ps, predicate 30
	.byte 0xc5,0xe8,0xc2,0xd9,31  # vcmp...ps, predicate 31
	vcmpeqps 0x10(%rax),%xmm2,%xmm3
	vcmpnge_uqps %ymm9,%ymm10,%ymm11
	vcmpps $0x20,%ymm1,%ymm2,%ymm3
	vcmpeqpd 0x10(%rax),%xmm2,%xmm3
	vcmpnge_uqpd %ymm9,%ymm10,%ymm11
	vcmppd $0x20,%ymm1,%ymm2,%ymm3
	vcmpltss %xmm1,%xmm2,%xmm3
	vcmptrue_usss 0x10(%rax),%xmm10,%xmm11
	vcmpss $0xff,%xmm1,%xmm2,%xmm3
	vcmpltsd %xmm1,%xmm2,%xmm3
	vcmptrue_ussd 0x10(%rax),%xmm10,%xmm11
	vcmpsd $0xff,%xmm1,%xmm2,%xmm3
	vpinsrw $0x1,%eax,%xmm2,%xmm3
	vpinsrw $0x7,0x10(%rax),%xmm10,%xmm11
	vpextrw $0x1,%xmm2,%eax
	vpextrw $0x5,%xmm10,%r11d
	vshufps $0x1b,%xmm1,%xmm2,%xmm3
	vshufps $0x4,-0x80(%rsp,%r9,8),%ymm12,%ymm13
	vshufpd $0x1,%ymm1,%ymm2,%ymm3
	vshufpd $0x2,0x10(%rax),%xmm12,%xmm13

# 0F D7, E7, F0, F7
	vpmovmskb %xmm1,%eax
	vpmovmskb %ymm9,%ecx
	vmovntdq %xmm1,0x10(%rax)
	vmovntdq %ymm9,-0x80(%rsp,%r9,8)
	vlddqu 0x10(%rax),%xmm2
	vlddqu 0x1234(%rip),%ymm10
	vmaskmovdqu %xmm1,%xmm10

# encodings: 3-byte VEX, VEX.W ignored, vvvv/L checks
	.byte 0xc4,0xe1,0x78,0x58,0xc1  # C4 form of vaddps
	.byte 0xc4,0xe1,0xf8,0x58,0xc1  # VEX.W1 is ignored
	.byte 0xc5,0xe8,0x28  # vmovaps with VEX.vvvv != 1111b is (bad)
	.byte 0xc5,0xfd,0x6e  # vmovd with VEX.L=1 is (bad): objdump stops after the opcode
	vpxor %xmm0,%xmm0,%xmm0
