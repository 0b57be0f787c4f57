# x87 escapes D8-DF: every memory form, every register form on all eight st(i), the
# operand-less forms, the fwait-prefixed (waiting) control forms and objdump's (bad) slots.
	.text
# D8: m32fp arithmetic; fadd/fmul/fsub/fsubr/fdiv/fdivr %st(i),%st; fcom/fcomp %st(i)
	fadds (%rax)
	fmuls 0x10(%rbx)
	fcoms -0x8(%rbp)
	fcomps 0x12345678(%rcx,%rdx,8)
	fsubs (%rsp)
	fsubrs 0x4(%r12)
	fdivs (%r13)
	fdivrs 0x100(%rip)
.irp op,fadd,fmul,fsub,fsubr,fdiv,fdivr
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r),%st
.endr
.endr
.irp op,fcom,fcomp
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r)
.endr
.endr
# D9: flds/fsts/fstps, environment, control word; fld/fxch; the constant and function rows
	flds (%rax)
	flds 0x8(%rsp)
	fsts (%rdi)
	fstps -0x4(%rbp,%rax,4)
	fldenv (%rax)
	fldcw 0x2(%rsp)
	fnstenv (%r8)
	fnstcw -0x2(%rsp)
	fldcw 0x200(%rip)
.irp op,fld,fxch
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r)
.endr
.endr
	fnop
	fchs
	fabs
	ftst
	fxam
	fld1
	fldl2t
	fldl2e
	fldpi
	fldlg2
	fldln2
	fldz
	f2xm1
	fyl2x
	fptan
	fpatan
	fxtract
	fprem1
	fdecstp
	fincstp
	fprem
	fyl2xp1
	fsqrt
	fsincos
	frndint
	fscale
	fsin
	fcos
# DA: m32int arithmetic; fcmovb/e/be/u; fucompp
	fiaddl (%rax)
	fimull 0x8(%rax)
	ficoml (%rbx,%rcx,1)
	ficompl 0x7f(%rdx)
	fisubl -0x80(%rsi)
	fisubrl 0x80(%rdi)
	fidivl (%r9)
	fidivrl (%r15,%r14,2)
.irp op,fcmovb,fcmove,fcmovbe,fcmovu
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r),%st
.endr
.endr
	fucompp
# DB: fildl, fisttpl, fistl, fistpl, fldt, fstpt; fcmovn*; fnclex, fninit; fucomi, fcomi
	fildl (%rax)
	fisttpl 0x4(%rsp)
	fistl (%rbx)
	fistpl -0xc(%rbp)
	fldt 0x10(%rsp)
	fstpt (%rdi)
	fldt 0x300(%rip)
.irp op,fcmovnb,fcmovne,fcmovnbe,fcmovnu,fucomi,fcomi
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r),%st
.endr
.endr
	fnclex
	fninit
	.byte 0xdb, 0xe0		# fneni(8087 only)
	.byte 0xdb, 0xe1		# fndisi(8087 only)
	.byte 0xdb, 0xe4		# fnsetpm(287 only)
	.byte 0xdb, 0xe5		# frstpm(287 only)
# DC: m64fp arithmetic; the register forms on %st,%st(i), names swapped against Intel's
	faddl (%rax)
	fmull 0x8(%rsp)
	fcoml (%rbx)
	fcompl -0x8(%rbp)
	fsubl (%rcx,%rax,8)
	fsubrl 0x18(%rdx)
	fdivl (%rsi)
	fdivrl 0x400(%rip)
.irp op,0xc0,0xc8,0xe0,0xe8,0xf0,0xf8
.irp r,0,1,2,3,4,5,6,7
	.byte 0xdc, \op+\r
.endr
.endr
# DD: fldl, fisttpll, fstl, fstpl, frstor, fnsave, fnstsw; ffree, fst, fstp, fucom, fucomp
	fldl (%rax)
	fisttpll 0x8(%rsp)
	fstl (%rbx)
	fstpl -0x8(%rbp)
	frstor (%rdi)
	fnsave (%rsi)
	fnstsw (%rax)
	fldl 0x500(%rip)
.irp op,ffree,fst,fstp,fucom,fucomp
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r)
.endr
.endr
# DE: m16int arithmetic; the popping forms on %st,%st(i), names swapped as in DC; fcompp
	fiadds (%rax)
	fimuls 0x2(%rsp)
	ficoms (%rbx)
	ficomps -0x2(%rbp)
	fisubs (%rcx)
	fisubrs (%rdx)
	fidivs (%r10)
	fidivrs (%r11,%rax,2)
.irp op,0xc0,0xc8,0xe0,0xe8,0xf0,0xf8
.irp r,0,1,2,3,4,5,6,7
	.byte 0xde, \op+\r
.endr
.endr
	fcompp
# DF: filds, fisttps, fists, fistps, fbld, fildll, fbstp, fistpll; ffreep; fnstsw %ax; fucomip, fcomip
	filds (%rax)
	fisttps 0x2(%rsp)
	fists (%rbx)
	fistps -0x2(%rbp)
	fbld (%rdi)
	fildll 0x8(%rsp)
	fbstp (%rsi)
	fistpll -0x10(%rbp)
	fildll 0x600(%rip)
.irp r,0,1,2,3,4,5,6,7
	ffreep %st(\r)
.endr
	fnstsw %ax
.irp op,fucomip,fcomip
.irp r,0,1,2,3,4,5,6,7
	\op %st(\r),%st
.endr
.endr
# fwait (9B) before an x87 escape is a prefix: the control forms drop their `n`, others absorb it
	fstcw (%rax)
	fstsw (%rax)
	fstsw %ax
	fclex
	finit
	fstenv (%rax)
	fsave (%rax)
	fwait
	nop
	.byte 0x9b, 0xd9, 0x00		# flds (%rax)
	.byte 0x9b, 0xd9, 0xd0		# fnop keeps its n
	.byte 0x9b, 0x9b, 0xd9, 0x38	# a second 9B ends the prefixes
	.byte 0x9b, 0x9b, 0x90		# fwait, fwait, nop
	.byte 0x66, 0x9b, 0xd9, 0x38	# data16 fstcw
	.byte 0x66, 0x9b, 0x90		# data16 fwait
	.byte 0x9b, 0x41, 0xdd, 0x38	# fstsw (%r8)
	.byte 0x9b, 0xdb, 0xe0		# feni(8087 only)
	.byte 0x9b, 0xdb, 0xe5		# frstpm(287 only) has no n
# 66: the 16-bit environment and state images; elsewhere 66, REX.W and REX.B are unused
	.byte 0x66, 0xd9, 0x20		# fldenvs
	.byte 0x66, 0xd9, 0x30		# fnstenvs
	.byte 0x66, 0xdd, 0x20		# frstors
	.byte 0x66, 0xdd, 0x30		# fnsaves
	.byte 0x66, 0x9b, 0xd9, 0x30	# fstenvs
	.byte 0x66, 0x48, 0xd9, 0x30	# rex.W fnstenvs
	.byte 0x66, 0xd9, 0x00		# data16 flds
	.byte 0x66, 0xdf, 0xe0		# data16 fnstsw %ax
	.byte 0x48, 0xdd, 0x20		# rex.W frstor
	.byte 0x48, 0xd9, 0x00		# rex.W flds
	.byte 0x41, 0xd9, 0x00		# flds (%r8)
	.byte 0x41, 0xd8, 0xc1		# rex.B fadd %st(1),%st
	.byte 0x41, 0xd9, 0xd0		# rex.B fnop
	.byte 0x41, 0xdf, 0xe0		# rex.B fnstsw %ax
	.byte 0x67, 0xd9, 0x00		# flds (%eax)
	.byte 0x67, 0xd9, 0xc1		# addr32 fld %st(1)
	.byte 0xf3, 0xd9, 0xc1		# repz fld %st(1)
	.byte 0x64, 0xd9, 0x00		# flds %fs:(%rax)
	.byte 0xf0, 0xd9, 0x00		# lock flds (%rax)
# objdump's (bad) slots: the memory ones still take their address bytes
	.byte 0xd9, 0x48, 0x10		# D9 /1
	.byte 0xdb, 0x24, 0x24		# DB /4
	.byte 0xdb, 0xb0, 0x00, 0x01, 0x00, 0x00	# DB /6
	.byte 0xdd, 0x2d, 0x00, 0x01, 0x00, 0x00	# DD /5
	.byte 0xd9, 0xd8		# D9 D8-DF
	.byte 0xd9, 0xe2
	.byte 0xda, 0xe0
	.byte 0xdb, 0xf8
	.byte 0xdc, 0xd0		# DC D0-DF
	.byte 0xdd, 0xc8
	.byte 0xdd, 0xf0
	.byte 0xde, 0xd0
	.byte 0xdf, 0xc8
	.byte 0xdf, 0xe1
	.byte 0xdf, 0xf8
